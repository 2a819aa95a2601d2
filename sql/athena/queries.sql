-- Athena (Trino) versions of the queries in sql/queries.sql marked "runs on: Spark"; the others
-- run on Athena as they are. They read the views that `trailwatch glue-sync` prints (tw_alerts,
-- ...), over the tables it registers. Each query ends with a line ending in ';'.
-- Trino unnests an array of structs into one column per field: the UNNEST alias lists every
-- field of alerts.new_behaviors, in the table's order (lib/engine Tables.NEW_BEHAVIOR).

-- name: rare_in_business_unit
-- New behaviours in the last day's alerts that nobody else in the business unit had: the rarest first.
SELECT a.hour, a.business_unit, a.principal, b.dimension,
       coalesce(b.value, concat(b.event_source, ':', b.event_name)) AS behaviour,
       b.prevalence.business_unit_principals AS bu_peers, b.prevalence.account_principals AS account_peers, a.severity
FROM tw_alerts a
CROSS JOIN UNNEST(a.new_behaviors) AS b(event_source, event_name, count, first_time, last_time, failed, read_only,
    sensitivity, known, dimension, value, calls, prevalence, severity, mitre_technique_id, history, last_seen)
WHERE a.hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '1' DAY AND b.prevalence IS NOT NULL
ORDER BY bu_peers, account_peers, a.hour DESC
;
-- name: alerts_by_technique
-- The last 30 days' new behaviours per MITRE ATT&CK technique of the sensitive-actions catalogue.
SELECT b.mitre_technique_id, concat(b.event_source, ':', b.event_name) AS api_call, count(*) AS behaviours,
       count(DISTINCT a.principal) AS principals, max(a.hour) AS last_hour
FROM tw_alerts a
CROSS JOIN UNNEST(a.new_behaviors) AS b(event_source, event_name, count, first_time, last_time, failed, read_only,
    sensitivity, known, dimension, value, calls, prevalence, severity, mitre_technique_id, history, last_seen)
WHERE a.hour >= (SELECT max(hour) FROM tw_alerts) - INTERVAL '30' DAY AND b.mitre_technique_id IS NOT NULL
GROUP BY b.mitre_technique_id, concat(b.event_source, ':', b.event_name)
ORDER BY behaviours DESC, api_call
;
-- name: missing_runs
-- Hours of the last day (up to the latest detect run) without a detect run per business unit: the scheduler
-- skipped them, or they failed.
WITH latest AS (SELECT date_trunc('hour', max(window_from)) AS t FROM tw_runs WHERE command = 'detect'),
units AS (SELECT DISTINCT element_at(business_units, 1) AS business_unit FROM tw_runs WHERE command = 'detect'),
hours AS (SELECT h.hour FROM latest CROSS JOIN UNNEST(sequence(t - INTERVAL '23' HOUR, t, INTERVAL '1' HOUR)) AS h(hour))
SELECT u.business_unit, h.hour
FROM units u CROSS JOIN hours h
WHERE NOT EXISTS (SELECT 1 FROM tw_runs r WHERE r.command = 'detect' AND r.window_from = h.hour
                  AND contains(r.business_units, u.business_unit))
ORDER BY u.business_unit, h.hour
;
