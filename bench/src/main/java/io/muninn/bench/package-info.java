/** Benchmarks: they print tables with the command that made them, and assert nothing. */
package io.muninn.bench;
