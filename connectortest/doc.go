// Package connectortest holds the end-to-end crash tests of the connectors (issue #6):
// pipelines compiled by streamc read from a Kafka-protocol broker and write to Kafka
// (transactionally) or PostgreSQL, servers the tests start themselves
// (internal/testserver), while the test kills the pipeline with SIGKILL at random
// moments and restarts it from its checkpoint. The outputs must hold every input record
// exactly once: 0 lost, 0 duplicated. live_test.go does the same live, with input
// arriving while the pipeline runs and kills aimed at the worst moments, for PostgreSQL,
// the transactional Kafka sink fed by files, and a Kafka source (with and without a
// transactional sink in the same pipeline).
package connectortest
