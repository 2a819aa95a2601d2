-- Analysts' queries over the trailwatch state, for Spark SQL with Delta (a notebook, EMR Studio)
-- and, where marked, Athena (Trino) too. They read views across business units named tw_<table>
-- (tw_alerts, tw_baseline, ...): on Spark, run what `trailwatch views --state ...` prints first;
-- on Athena, what `trailwatch glue-sync --state s3://... --database NAME` prints.
-- "runs on: Spark, Athena" means the same text runs on both (portable syntax: INTERVAL '1' DAY,
-- no LATERAL VIEW, no first()); "runs on: Spark" queries have their Athena version, of the same
-- name, in sql/athena/queries.sql. Each query ends with a line ending in ';'.

-- name: alerts_last_day
-- The last day's alerts, worst first, with what was new.
-- runs on: Spark, Athena
SELECT hour, business_unit, account_id, severity, identity_type, principal,
       transform(new_behaviors, b -> concat(
         CASE WHEN coalesce(b.dimension, 'api') = 'api' THEN concat(b.event_source, ':', b.event_name)
              ELSE concat(b.dimension, ' ', b.value) END,
         CASE WHEN b.failed THEN ' (failed)' ELSE '' END)) AS new_behaviors,
       source_ips, late, reason
FROM tw_alerts
WHERE hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '1' DAY
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
         hour DESC
;
-- name: principal_baseline
-- Everything one principal is known to do (set the principal), newest first.
-- runs on: Spark, Athena
SELECT event_source, event_name, first_seen, last_seen, expires_at
FROM tw_baseline
WHERE principal = 'arn:aws:iam::111100000001:user/ci-deployer'
ORDER BY last_seen DESC
;
-- name: principal_dimensions
-- The regions, networks and clients one principal is known to use (set the principal).
-- runs on: Spark, Athena
SELECT substr(event_source, 2) AS dimension, event_name AS value, first_seen, last_seen, expires_at
FROM tw_baseline
WHERE principal = 'arn:aws:iam::111100000001:user/ci-deployer' AND event_source LIKE '@%'
ORDER BY dimension, last_seen DESC
;
-- name: rare_in_business_unit
-- New behaviours in the last day's alerts that nobody else in the business unit had: the rarest first.
-- runs on: Spark
SELECT a.hour, a.business_unit, a.principal, b.dimension,
       coalesce(b.value, concat(b.event_source, ':', b.event_name)) AS behaviour,
       b.prevalence.business_unit_principals AS bu_peers, b.prevalence.account_principals AS account_peers, a.severity
FROM tw_alerts a LATERAL VIEW explode(a.new_behaviors) x AS b
WHERE a.hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '1' DAY AND b.prevalence IS NOT NULL
ORDER BY bu_peers, account_peers, a.hour DESC
;
-- name: alerts_per_day
-- Alert volume per business unit, day and severity: is a policy too noisy?
-- runs on: Spark, Athena
SELECT business_unit, date(hour) AS day, severity, count(*) AS alerts
FROM tw_alerts
GROUP BY business_unit, date(hour), severity
ORDER BY day DESC, business_unit, severity
;
-- name: quarantine_by_reason
-- What input was rejected, and how much of it, per reason.
-- runs on: Spark, Athena
SELECT business_unit, reason, count(*) AS entries, count(DISTINCT source) AS files, max(quarantined_at) AS last
FROM tw_quarantine
GROUP BY business_unit, reason
ORDER BY entries DESC
;
-- name: run_health
-- The latest runs: how long they took, what they read, what they found.
-- runs on: Spark, Athena
SELECT command, business_units, window_from, seconds, files_read, files_quarantined, records_read,
       records_quarantined, duplicates_dropped, new_behaviors, alerts
FROM tw_runs
ORDER BY finished_at DESC
LIMIT 50
;
-- name: new_principals
-- Principals first seen in the last 14 days (still in their learning period by default).
-- runs on: Spark, Athena
SELECT business_unit, account_id, identity_type, principal, first_seen, last_seen
FROM tw_principals
WHERE first_seen >= (SELECT max(last_seen) FROM tw_principals) - INTERVAL '14' DAY
ORDER BY first_seen DESC
;
-- name: late_files
-- Files that arrived after their hour's run, and the run that read them.
-- runs on: Spark, Athena
SELECT business_unit, account_id, region, uri, event_hour, detect_hour
FROM tw_ingested_files
WHERE late
ORDER BY detect_hour DESC
;
-- name: new_behaviors_today
-- Behaviours first seen on the latest day of data, per business unit: what the baseline learned today.
-- runs on: Spark, Athena
SELECT business_unit, account_id, principal, event_source, event_name, first_seen
FROM tw_baseline
WHERE first_seen >= date_trunc('day', (SELECT max(last_seen) FROM tw_baseline))
ORDER BY business_unit, first_seen DESC
;
-- name: behaviors_about_to_expire
-- Behaviours not seen for so long that they expire within 7 days of the latest data: new again after that.
-- runs on: Spark, Athena
SELECT business_unit, account_id, principal, event_source, event_name, last_seen, expires_at
FROM tw_baseline
WHERE expires_at < (SELECT max(last_seen) FROM tw_baseline) + INTERVAL '7' DAY
ORDER BY expires_at
;
-- name: top_principals_30_days
-- The principals with the most alerts over the 30 days before the latest alert, with their worst
-- severity (ranked: max() of the words would put 'medium' above 'critical').
-- runs on: Spark, Athena
SELECT business_unit, account_id, principal, identity_type, count(*) AS alerts,
       CASE max(CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1
                              ELSE 0 END)
         WHEN 4 THEN 'critical' WHEN 3 THEN 'high' WHEN 2 THEN 'medium' WHEN 1 THEN 'low' ELSE 'info' END
         AS worst_severity
FROM tw_alerts
WHERE hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '30' DAY
GROUP BY business_unit, account_id, principal, identity_type
ORDER BY alerts DESC, principal
LIMIT 20
;
-- name: delivery_status
-- What became of the alerts at each sink (Splunk HEC, SNS): failed ones need a person.
-- runs on: Spark, Athena
SELECT sink, status, count(*) AS alerts, max(last_attempt) AS last_attempt, max(reason) AS a_reason
FROM tw_deliveries
GROUP BY sink, status
ORDER BY sink, status
;
-- name: alerts_by_technique
-- The last 30 days' new behaviours per MITRE ATT&CK technique of the sensitive-actions catalogue.
-- runs on: Spark
SELECT b.mitre_technique_id, concat(b.event_source, ':', b.event_name) AS api_call, count(*) AS behaviours,
       count(DISTINCT a.principal) AS principals, max(a.hour) AS last_hour
FROM tw_alerts a LATERAL VIEW explode(a.new_behaviors) x AS b
WHERE a.hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '30' DAY AND b.mitre_technique_id IS NOT NULL
GROUP BY b.mitre_technique_id, concat(b.event_source, ':', b.event_name)
ORDER BY behaviours DESC, api_call
;
-- name: missing_runs
-- Hours of the last day (up to the latest detect run) without a detect run per business unit: the scheduler
-- skipped them, or they failed.
-- runs on: Spark
WITH latest AS (SELECT date_trunc('hour', max(window_from)) AS t FROM tw_runs WHERE command = 'detect'),
units AS (SELECT DISTINCT element_at(business_units, 1) AS business_unit FROM tw_runs WHERE command = 'detect'),
hours AS (SELECT explode(sequence(t - INTERVAL '23' HOUR, t, INTERVAL '1' HOUR)) AS hour FROM latest)
SELECT u.business_unit, h.hour
FROM units u CROSS JOIN hours h
WHERE NOT EXISTS (SELECT 1 FROM tw_runs r WHERE r.command = 'detect' AND r.window_from = h.hour
                  AND array_contains(r.business_units, u.business_unit))
ORDER BY u.business_unit, h.hour
;
-- name: silent_trails_last_day
-- Account-regions that delivered CloudTrail events in the week before the last day but none in the
-- last 24 hours (up to the latest hour the ledger holds): trails gone quiet, or regions no longer used.
-- runs on: Spark, Athena
WITH latest AS (SELECT max(hour) AS t FROM tw_coverage),
recent AS (SELECT DISTINCT business_unit, account_id, region FROM tw_coverage, latest
           WHERE events > 0 AND hour > latest.t - INTERVAL '1' DAY),
earlier AS (SELECT business_unit, account_id, region, count(DISTINCT hour) AS hours_with_events,
                   max(hour) AS last_hour_with_events
            FROM tw_coverage, latest
            WHERE events > 0 AND hour <= latest.t - INTERVAL '1' DAY AND hour > latest.t - INTERVAL '8' DAY
            GROUP BY business_unit, account_id, region)
SELECT e.business_unit, e.account_id, e.region, e.hours_with_events, e.last_hour_with_events
FROM earlier e
WHERE NOT EXISTS (SELECT 1 FROM recent r WHERE r.business_unit = e.business_unit
                  AND r.account_id = e.account_id AND r.region = e.region)
ORDER BY e.hours_with_events DESC, e.account_id, e.region
;
-- name: delivery_lag_per_account
-- The last day's delivery lag per account (file name's time minus event time, in minutes): the
-- median hour's median, and the longest.
-- runs on: Spark, Athena
SELECT business_unit, account_id, count(DISTINCT hour) AS hours, sum(events) AS events,
       approx_percentile(lag_p50_minutes, 0.5) AS typical_lag_minutes, max(lag_max_minutes) AS max_lag_minutes
FROM tw_coverage
WHERE events > 0 AND hour >= (SELECT max(hour) FROM tw_coverage) - INTERVAL '1' DAY
GROUP BY business_unit, account_id
ORDER BY max_lag_minutes DESC, account_id
;
-- name: late_events_per_account
-- The share of the last week's events per account that arrived in files delivered after their
-- hour's run (read by a later run, alerted as late): a hint for ingest.delivery-lag-minutes.
-- runs on: Spark, Athena
SELECT business_unit, account_id, sum(events) AS events, sum(late_events) AS late_events,
       CAST(sum(late_events) AS DOUBLE) / sum(events) AS late_share
FROM tw_coverage
WHERE hour >= (SELECT max(hour) FROM tw_coverage) - INTERVAL '7' DAY
GROUP BY business_unit, account_id
HAVING sum(events) > 0
ORDER BY late_share DESC, account_id
;
