package io.muninn.cli;

import picocli.CommandLine;

/** Token ids given as {@code 3,17,42} on the command line. */
record TokenIds(int[] ids) {

    /** Parses {@code 3,17,42}; names the offending part otherwise. */
    static final class Converter implements CommandLine.ITypeConverter<TokenIds> {
        @Override
        public TokenIds convert(String value) {
            String[] parts = value.split(",");
            int[] ids = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    ids[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException(
                            "'" + parts[i] + "' is not a token id; expected comma-separated integers such as 3,17,42");
                }
            }
            return new TokenIds(ids);
        }
    }
}
