/** The {@code muninn} command line. */
package io.muninn.cli;
