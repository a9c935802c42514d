-- Kafka table -> ML_PREDICT -> Kafka table: every prompt record on `muninn-sql-prompts` gets the model's answer on
-- `muninn-sql-answers`, computed inside the task managers with recurrence-step batching across all rows in flight.
-- Runs until cancelled. Create both topics first (the local broker does not create them on first use); sql/README.md,
-- "Running SQL", has the commands for deploy/local and Flink's own SQL client.
--   bin/muninn sql examples/sql/kafka-annotate.sql --jobmanager 127.0.0.1:8081
-- Records in:  {"id": "row-0", "cells": "212k2122f1j1v1111wn221k111tm11g111221f1v1hx2i2vp211"}
-- Records out: {"id":"row-0","answer":"xvp","exit_steps":[4,3,3,2],"mean_steps":3.0,"finish_reason":"stop"}

SET 'execution.checkpointing.interval' = '10s';

CREATE TEMPORARY TABLE prompts (
  id STRING,
  cells STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'muninn-sql-prompts',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'muninn-sql',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE TEMPORARY TABLE answers (
  id STRING,
  answer STRING,
  exit_steps ARRAY<INT>,
  mean_steps DOUBLE,
  finish_reason STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'muninn-sql-answers',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'format' = 'json'
);

-- the model directory must exist at this path on every task manager (deploy/local's run from the repository root)
CREATE TEMPORARY MODEL annotator
INPUT (id STRING, cells STRING)
OUTPUT (answer STRING, output_tokens INT, mean_steps DOUBLE, finish_reason STRING, exit_steps ARRAY<INT>)
WITH (
  'provider' = 'muninn',
  'model-path' = 'models/huginn-tiny-chains',
  'prompt-template' = '<|begin_text|>{cells}=',
  'id-column' = 'id',
  'max-new-tokens' = '4'
);

INSERT INTO answers
SELECT id, answer, exit_steps, mean_steps, finish_reason
FROM ML_PREDICT(TABLE prompts, MODEL annotator, DESCRIPTOR(id, cells), MAP['max-concurrent-operations', '64']);
