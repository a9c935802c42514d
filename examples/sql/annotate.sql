-- Annotate the sample rows of the bundled tiny model with ML_PREDICT, computed inside the task manager.
--   bin/muninn sql examples/sql/annotate.sql        (run from the repository root: the paths below are relative)
-- The settings are those of the README's `bin/muninn annotate` example, so both give the same answers and steps.

-- one instance in order, so the rows print in the file's order; every row in flight steps in the same batch
SET 'parallelism.default' = '1';

CREATE TEMPORARY TABLE samples (
  id STRING,
  cells STRING,
  difficulty INT,
  expected STRING
) WITH (
  'connector' = 'filesystem',
  'path' = 'models/huginn-tiny-chains/annotate-sample.jsonl',
  'format' = 'json'
);

CREATE TEMPORARY MODEL annotator
INPUT (id STRING, cells STRING)
OUTPUT (answer STRING, output_tokens INT, mean_steps DOUBLE, finish_reason STRING, exit_steps ARRAY<INT>)
WITH (
  'provider' = 'muninn',
  'model-path' = 'models/huginn-tiny-chains',
  'prompt-template' = '<|begin_text|>{cells}=',
  'id-column' = 'id',
  'max-new-tokens' = '4',
  'max-steps' = '32'
);

SELECT id, difficulty, expected, answer, exit_steps, mean_steps, finish_reason
FROM ML_PREDICT(TABLE samples, MODEL annotator, DESCRIPTOR(id, cells), MAP['max-concurrent-operations', '32']);
