-- Analysts' queries over the trailwatch state (Spark SQL with Delta, e.g. from a notebook).
-- They read the views across business units that `trailwatch views --state ...` prints
-- (tw_alerts, tw_baseline, ...): run its output first. Each query ends with a line ending in ';'.

-- name: alerts_last_day
-- The last day's alerts, worst first, with what was new.
SELECT hour, business_unit, account_id, severity, identity_type, principal,
       transform(new_behaviors, b -> concat(
         CASE WHEN coalesce(b.dimension, 'api') = 'api' THEN concat(b.event_source, ':', b.event_name)
              ELSE concat(b.dimension, ' ', b.value) END,
         CASE WHEN b.failed THEN ' (failed)' ELSE '' END)) AS new_behaviors,
       source_ips, late, reason
FROM tw_alerts
WHERE hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL 1 DAY
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
         hour DESC
;
-- name: principal_baseline
-- Everything one principal is known to do (set the principal), newest first.
SELECT event_source, event_name, first_seen, last_seen, expires_at
FROM tw_baseline
WHERE principal = 'arn:aws:iam::111100000001:user/ci-deployer'
ORDER BY last_seen DESC
;
-- name: principal_dimensions
-- The regions, networks and clients one principal is known to use (set the principal).
SELECT substr(event_source, 2) AS dimension, event_name AS value, first_seen, last_seen, expires_at
FROM tw_baseline
WHERE principal = 'arn:aws:iam::111100000001:user/ci-deployer' AND event_source LIKE '@%'
ORDER BY dimension, last_seen DESC
;
-- name: rare_in_business_unit
-- New behaviours in the last day's alerts that nobody else in the business unit had: the rarest first.
SELECT a.hour, a.business_unit, a.principal, b.dimension,
       coalesce(b.value, concat(b.event_source, ':', b.event_name)) AS behaviour,
       b.prevalence.business_unit_principals AS bu_peers, b.prevalence.account_principals AS account_peers, a.severity
FROM tw_alerts a LATERAL VIEW explode(a.new_behaviors) x AS b
WHERE a.hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL 1 DAY AND b.prevalence IS NOT NULL
ORDER BY bu_peers, account_peers, a.hour DESC
;
-- name: alerts_per_day
-- Alert volume per business unit, day and severity: is a policy too noisy?
SELECT business_unit, date(hour) AS day, severity, count(*) AS alerts
FROM tw_alerts
GROUP BY business_unit, date(hour), severity
ORDER BY day DESC, business_unit, severity
;
-- name: quarantine_by_reason
-- What input was rejected, and how much of it, per reason.
SELECT business_unit, reason, count(*) AS entries, count(DISTINCT source) AS files, max(quarantined_at) AS last
FROM tw_quarantine
GROUP BY business_unit, reason
ORDER BY entries DESC
;
-- name: run_health
-- The latest runs: how long they took, what they read, what they found.
SELECT command, business_units, window_from, seconds, files_read, files_quarantined, records_read,
       records_quarantined, duplicates_dropped, new_behaviors, alerts
FROM tw_runs
ORDER BY finished_at DESC
LIMIT 50
;
-- name: new_principals
-- Principals first seen in the last 14 days (still in their learning period by default).
SELECT business_unit, account_id, identity_type, principal, first_seen, last_seen
FROM tw_principals
WHERE first_seen >= (SELECT max(last_seen) FROM tw_principals) - INTERVAL 14 DAYS
ORDER BY first_seen DESC
;
-- name: late_files
-- Files that arrived after their hour's run, and the run that read them.
SELECT business_unit, account_id, region, uri, event_hour, detect_hour
FROM tw_ingested_files
WHERE late
ORDER BY detect_hour DESC
;
-- name: new_behaviors_today
-- Behaviours first seen on the latest day of data, per business unit: what the baseline learned today.
SELECT business_unit, account_id, principal, event_source, event_name, first_seen
FROM tw_baseline
WHERE first_seen >= date_trunc('DAY', (SELECT max(last_seen) FROM tw_baseline))
ORDER BY business_unit, first_seen DESC
;
-- name: behaviors_about_to_expire
-- Behaviours not seen for so long that they expire within 7 days of the latest data: new again after that.
SELECT business_unit, account_id, principal, event_source, event_name, last_seen, expires_at
FROM tw_baseline
WHERE expires_at < (SELECT max(last_seen) FROM tw_baseline) + INTERVAL 7 DAYS
ORDER BY expires_at
;
-- name: top_principals_30_days
-- The principals with the most alerts over the 30 days before the latest alert.
SELECT business_unit, account_id, principal, identity_type, count(*) AS alerts, max(severity) AS worst_severity_label
FROM tw_alerts
WHERE hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL 30 DAYS
GROUP BY business_unit, account_id, principal, identity_type
ORDER BY alerts DESC, principal
LIMIT 20
;
-- name: delivery_status
-- What became of the alerts at each sink (Splunk HEC, SNS): failed ones need a person.
SELECT sink, status, count(*) AS alerts, max(last_attempt) AS last_attempt, first(reason, true) AS a_reason
FROM tw_deliveries
GROUP BY sink, status
ORDER BY sink, status
