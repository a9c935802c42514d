/**
 * Text in and out of a Huginn-format model: the tokenizer, the chat template, and streaming detokenization
 *.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link io.muninn.model.tokenizer.MuninnTokenizer#load} reads a model directory's {@code tokenizer.json}
 *       (required; byte-level BPE only: model {@code BPE}, decoder {@code ByteLevel}) and optional {@code
 *       tokenizer_config.json} ({@code bos_token}, {@code eos_token}, {@code pad_token}, {@code chat_template},
 *       {@code add_bos_token}). Failures are {@link io.muninn.model.tokenizer.TokenizerException}s naming the file.
 *   <li>Ids and text are Hugging Face's: the {@code tokenizer.json} runs in the Hugging Face tokenizers library
 *       through DJL. {@code encode(text)} is {@code encode(text, add_special_tokens=False)} without truncation:
 *       nothing is added, and special-token strings inside the text become their ids. {@code decode(ids)} keeps
 *       special tokens as their text; {@code decode(ids, true)} drops them. Invalid UTF-8 becomes U+FFFD.
 *   <li>Ids are {@code 0 .. vocabSize() - 1}. An id outside that range, or one no token has, is an {@link
 *       IllegalArgumentException} naming the id and the vocabulary size.
 *   <li>{@code tokenBytes(id)} is what the {@code ByteLevel} decoder maps a token to: a byte-level token's raw bytes
 *       (possibly part of a UTF-8 character); a special token's text as UTF-8 (Huginn's specials are ASCII).
 *   <li>The eos set ({@code stopTokenIds()}) is the reference's: {@code <|begin_text|>}, {@code <|end_text|>},
 *       {@code <|end_turn|>} and {@code eos_token}.
 *   <li>{@link io.muninn.model.tokenizer.ChatTemplate} renders Huginn's chat template exactly as the Jinja
 *       original does (bos, headers, {@code Huginn} for assistant turns, trimmed content, generation prompt or
 *       {@code <|end_text|>}); encode the result with {@code encode}.
 *   <li>{@link io.muninn.model.tokenizer.StreamingDetokenizer}, one per sequence, turns each generated id into the
 *       text it completes: {@code ""} while a UTF-8 character is unfinished, the whole character with the token that
 *       finishes it, U+FFFD as soon as bytes cannot form a character, and U+FFFD from {@code flush()} for a
 *       character cut off at the end. The pieces plus {@code flush()} equal {@code decode(ids, skipSpecialTokens)}.
 *       Whether special tokens contribute their text is chosen when it is created; for token events use {@code
 *       skippingSpecialTokens}: a stop token's piece is then {@code ""} and the event's id says which stop token
 *       it was.
 *   <li>No network: the class that touches DJL sets {@code OPT_OUT_TRACKING=true}, {@code offline=true}, {@code
 *       ai.djl.offline=true} and (when unset) {@code RUST_FLAVOR=cpu} before any DJL class initializes, and each
 *       load refuses environment variables that would override them. DJL extracts its native library to
 *       {@code ~/.djl.ai} (or {@code DJL_CACHE_DIR}).
 *   <li>Threads: a {@code MuninnTokenizer} is shared by all sequences and safe for concurrent use until {@code
 *       close()}; a {@code StreamingDetokenizer} belongs to one sequence and is rebuilt after a restore by feeding
 *       that sequence's ids again.
 * </ul>
 */
package io.muninn.model.tokenizer;
