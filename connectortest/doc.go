// Package connectortest holds the end-to-end crash tests of the connectors (issue #6):
// pipelines compiled by streamc read from a Kafka-protocol broker and write to Kafka
// (transactionally) or PostgreSQL, servers the tests start themselves
// (internal/testserver), while the test kills the pipeline with SIGKILL at random
// moments and restarts it from its checkpoint. The outputs must hold every input record
// exactly once: 0 lost, 0 duplicated.
package connectortest
