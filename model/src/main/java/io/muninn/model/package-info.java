/**
 * The recurrent-depth engine. Runs Huginn-format models (prelude, a core block iterated on a latent state, coda)
 * exactly as the authors' reference does, on ND4J. This module has no Flink imports.
 */
package io.muninn.model;
