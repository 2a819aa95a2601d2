-- trailwatch state: the Delta tables of one business unit, as the jobs create them.
-- Replace ${state} with the state root (a local folder, or s3://bucket/prefix on EMR) and
-- ${bu} with the business unit: every BU has its own tables in ${state}/bu=${bu}/, so the
-- hourly jobs of different BUs (separate Spark drivers) never write the same Delta table.
-- `trailwatch views --state ...` prints views across every BU (tw_alerts, tw_baseline, ...).
-- The jobs create these tables themselves; this file is for analysts and reviewers.

-- One row per (business unit, account, principal, behaviour) that succeeded at least once.
-- Known at time T when first_seen < T < expires_at; expires_at = last_seen + retention-days.
-- A behaviour is an api call (event_source, event_name), or a value of another dimension
-- (baseline.dimensions): event_source '@region', '@network' or '@client' (no AWS eventSource
-- starts with '@'), event_name the value ('ap-southeast-1', '198.51.100.0/24', 'aws-cli').
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/baseline` (
  business_unit STRING NOT NULL,
  account_id STRING NOT NULL,
  principal STRING NOT NULL,
  identity_type STRING NOT NULL,
  event_source STRING NOT NULL,
  event_name STRING NOT NULL,
  first_seen TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- First and last sighting per principal: the learning period.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/principals` (
  business_unit STRING NOT NULL,
  account_id STRING NOT NULL,
  principal STRING NOT NULL,
  identity_type STRING NOT NULL,
  first_seen TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- One row per principal and hour with new behaviour; alert_id is deterministic.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/alerts` (
  alert_id STRING NOT NULL,
  business_unit STRING NOT NULL,
  hour TIMESTAMP NOT NULL,
  detect_hour TIMESTAMP NOT NULL,
  account_id STRING NOT NULL,
  principal STRING NOT NULL,
  identity_type STRING NOT NULL,
  severity STRING NOT NULL,
  reason STRING NOT NULL,
  late BOOLEAN NOT NULL,
  -- dimension: api (event_source, event_name set) or region/network/client (value set, calls its evidence).
  -- The fields from dimension on came with the dimensions, mitre_technique_id (the call's ATT&CK technique in
  -- the sensitive-actions catalogue) later, history ('never seen', 'returning: last seen 2026-07-03 (140 days
  -- ago)', 'known') and last_seen (a returning behaviour's last sighting) after: an older table gets them on first use.
  new_behaviors ARRAY<STRUCT<event_source: STRING, event_name: STRING, count: BIGINT, first_time: TIMESTAMP,
    last_time: TIMESTAMP, failed: BOOLEAN, read_only: BOOLEAN, sensitivity: STRING, known: BOOLEAN,
    dimension: STRING, value: STRING, calls: ARRAY<STRUCT<call: STRING, count: BIGINT>>,
    prevalence: STRUCT<account_principals: BIGINT, business_unit_principals: BIGINT, account_same_type: BIGINT,
      account_type_principals: BIGINT>, severity: STRING, mitre_technique_id: STRING, history: STRING,
    last_seen: TIMESTAMP>> NOT NULL,
  source_ips ARRAY<STRING> NOT NULL,
  user_agents ARRAY<STRING> NOT NULL,
  regions ARRAY<STRING> NOT NULL,
  event_ids ARRAY<STRING> NOT NULL,
  run_id STRING NOT NULL,
  created_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- The run ledger: one row per completed run.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/runs` (
  run_id STRING NOT NULL,
  command STRING NOT NULL,
  business_units ARRAY<STRING> NOT NULL,
  window_from TIMESTAMP NOT NULL,
  window_to TIMESTAMP NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  status STRING NOT NULL,
  files_read BIGINT NOT NULL,
  files_quarantined BIGINT NOT NULL,
  records_read BIGINT NOT NULL,
  records_quarantined BIGINT NOT NULL,
  duplicates_dropped BIGINT NOT NULL,
  principals BIGINT NOT NULL,
  new_behaviors BIGINT NOT NULL,
  alerts BIGINT NOT NULL,
  seconds DOUBLE NOT NULL,
  version STRING NOT NULL,
  accounts MAP<STRING, BIGINT>,
  build STRING,
  never_delivered ARRAY<STRING>
) USING DELTA;

-- Input that could not be used, and why (record_index -1: the whole file, or its rest).
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/quarantine` (
  business_unit STRING NOT NULL,
  account_id STRING,
  source STRING NOT NULL,
  record_index BIGINT NOT NULL,
  event_id STRING,
  reason STRING NOT NULL,
  detail STRING,
  run_id STRING NOT NULL,
  window_from TIMESTAMP NOT NULL,
  quarantined_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- Files read for detection, per event hour; a rerun of detect_hour reads exactly these again.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/ingested_files` (
  business_unit STRING NOT NULL,
  account_id STRING NOT NULL,
  uri STRING NOT NULL,
  region STRING NOT NULL,
  file_time TIMESTAMP NOT NULL,
  size BIGINT NOT NULL,
  event_hour TIMESTAMP NOT NULL,
  detect_hour TIMESTAMP NOT NULL,
  late BOOLEAN NOT NULL,
  run_id STRING NOT NULL,
  read_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- What became of each alert at each sink (Splunk HEC, SNS): sent, failed (with the reason) or pending.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/deliveries` (
  business_unit STRING NOT NULL,
  alert_id STRING NOT NULL,
  sink STRING NOT NULL,
  status STRING NOT NULL,
  attempts BIGINT NOT NULL,
  last_attempt TIMESTAMP NOT NULL,
  reason STRING,
  hour TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- The analysts' verdicts on alerts (trailwatch verdict): append-only, one row per verdict; the
-- latest per alert_id is the one in force. expires_at NULL: never.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/verdicts` (
  business_unit STRING NOT NULL,
  alert_id STRING NOT NULL,
  verdict STRING NOT NULL,
  scope STRING NOT NULL,
  expires_at TIMESTAMP,
  decided_by STRING NOT NULL,
  decided_at TIMESTAMP NOT NULL,
  note STRING,
  account_id STRING NOT NULL,
  principal STRING NOT NULL,
  identity_type STRING NOT NULL,
  behaviors ARRAY<STRUCT<event_source: STRING, event_name: STRING>> NOT NULL,
  hour TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit);

-- The coverage ledger (docs/coverage.md): one row per (account, region, event hour) a detect run read,
-- keyed by that run's hour too (late files of an hour are read by a later run). trail is the
-- organisation trail's id (o-...) or null; lag is the file name's time minus the event's, in minutes;
-- late_events arrived only in files after ingest.delivery-lag-minutes; tamper_* the last
-- logging-tamper call of the hour there.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/coverage` (
  business_unit STRING NOT NULL,
  account_id STRING NOT NULL,
  region STRING NOT NULL,
  hour TIMESTAMP NOT NULL,
  detect_hour TIMESTAMP NOT NULL,
  trail STRING,
  files BIGINT NOT NULL,
  events BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  lag_p50_minutes BIGINT,
  lag_max_minutes BIGINT,
  late_events BIGINT NOT NULL,
  tamper_call STRING,
  tamper_principal STRING,
  tamper_identity_type STRING,
  tamper_time TIMESTAMP,
  run_id STRING NOT NULL,
  read_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);

-- The memory of expired behaviours: maintain moves a baseline row here when it deletes it as
-- expired (expired_at = its expires_at), and forgets it once last_seen is more than
-- baseline.returning-horizon-days old. New behaviour found here is alerted as returning.
CREATE TABLE IF NOT EXISTS delta.`${state}/bu=${bu}/expired_behaviors` (
  business_unit STRING NOT NULL,
  account_id STRING NOT NULL,
  principal STRING NOT NULL,
  identity_type STRING NOT NULL,
  event_source STRING NOT NULL,
  event_name STRING NOT NULL,
  first_seen TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  expired_at TIMESTAMP NOT NULL
) USING DELTA PARTITIONED BY (business_unit)
TBLPROPERTIES (delta.enableDeletionVectors = true);
