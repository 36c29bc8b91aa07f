package observe

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"streamc.dev/streamc/runtime/status"
)

// collector exposes a run's figures to Prometheus. It reads a snapshot of the status
// recorder on each scrape (a custom Collector, as exporters of another system's figures
// do), so the engine never touches Prometheus types and a run without scrapes pays
// nothing for them. Every metric carries the pipeline's name as a constant label.
type collector struct {
	rec  *status.Recorder
	desc map[string]*prometheus.Desc
}

// metricHelp lists the metrics: name, help, variable labels.
var metricHelp = []struct {
	name, help string
	labels     []string
}{
	{"streamc_info", "Constant 1, labelled with the pipeline's version and source file.", []string{"version", "source_file"}},
	{"streamc_start_time_seconds", "When the run started, in seconds since the epoch.", nil},
	{"streamc_batch_interval_seconds", "The batch interval.", nil},
	{"streamc_ready", "1 when the run is ready (see /ready), else 0.", nil},
	{"streamc_batches_completed_total", "Batches completed.", nil},
	{"streamc_batches_failed_total", "Batches failed.", nil},
	{"streamc_batches_recovered_total", "Batches re-run after a restart from a checkpoint.", nil},
	{"streamc_batches_active", "Batches processing or queued (due on the live clock and not started).", nil},
	{"streamc_input_records_total", "Input records over all sources.", nil},
	{"streamc_bad_records_total", "Records that failed to decode, or rows a sink rejected.", nil},
	{"streamc_late_records_total", "Records dropped by eventTime for coming later than the lateness allows.", nil},
	{"streamc_last_batch_time_seconds", "The batch time of the newest completed batch, in seconds since the epoch.", nil},
	{"streamc_last_batch_input_records", "Input records of the newest completed batch.", nil},
	{"streamc_last_batch_processing_seconds", "Processing time of the newest completed batch.", nil},
	{"streamc_batch_scheduling_delay_seconds", "Time from a batch's time to the start of its processing.", nil},
	{"streamc_batch_processing_seconds", "Time a batch takes to process, outputs included.", nil},
	{"streamc_batch_total_delay_seconds", "Scheduling delay plus processing time.", nil},
	{"streamc_source_records_total", "Records a source delivered to batches.", []string{"source", "kind"}},
	{"streamc_source_active", "1 when the source is connected or able to deliver.", []string{"source", "kind"}},
	{"streamc_source_buffered_records", "Records received and in no batch yet.", []string{"source", "kind"}},
	{"streamc_source_rate_limit_records_per_second", "The rate the source is held to (maxRate or backpressure); 0 for none.", []string{"source", "kind"}},
	{"streamc_kafka_partition_lag_records", "Records between a partition's next offset and its last stable offset.", []string{"source", "topic", "partition"}},
	{"streamc_kafka_partition_next_offset", "The offset the next batch reads a partition from.", []string{"source", "topic", "partition"}},
	{"streamc_output_runs_total", "Batches in which the output operation completed.", []string{"output", "position"}},
	{"streamc_output_records_total", "Records the output operation wrote (where the runtime sees them).", []string{"output", "position"}},
	{"streamc_output_retries_total", "Failed attempts of the output operation that were retried.", []string{"output", "position"}},
	{"streamc_output_failures_total", "Batches the output operation failed after its retries.", []string{"output", "position"}},
	{"streamc_output_rejected_records_total", "Rows the output's sink rejected (skipped or dead-lettered).", []string{"output", "position"}},
	{"streamc_output_duration_seconds_total", "Time spent in the output operation.", []string{"output", "position"}},
	{"streamc_state_bytes", "Checkpointed size of a stateful operator's state, at the newest checkpoint.", []string{"operator"}},
	{"streamc_checkpoints_total", "Checkpoints written.", nil},
	{"streamc_checkpoint_failures_total", "Checkpoints that failed.", nil},
	{"streamc_checkpoint_duration_seconds", "Time to write a checkpoint (state, positions, file and sync).", nil},
	{"streamc_last_checkpoint_bytes", "Size of the newest checkpoint file.", nil},
}

func newCollector(rec *status.Recorder, pipeline string) *collector {
	c := &collector{rec: rec, desc: map[string]*prometheus.Desc{}}
	for _, m := range metricHelp {
		c.desc[m.name] = prometheus.NewDesc(m.name, m.help, m.labels, prometheus.Labels{"pipeline": pipeline})
	}
	return c
}

// Describe sends every metric's description.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range metricHelp {
		ch <- c.desc[m.name]
	}
}

// Collect reads a snapshot of the recorder (without the batch history) and sends the
// metrics.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.rec.Snapshot(status.Select{})
	counter := func(name string, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(c.desc[name], prometheus.CounterValue, v, labels...)
	}
	gauge := func(name string, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(c.desc[name], prometheus.GaugeValue, v, labels...)
	}
	hist := func(name string, h status.Histogram) {
		buckets := map[float64]uint64{}
		for i, n := range h.Cumulative() {
			buckets[h.Bounds[i]] = n
		}
		ch <- prometheus.MustNewConstHistogram(c.desc[name], h.Count, h.Sum, buckets)
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	t := s.Totals
	gauge("streamc_info", 1, s.App.Version, s.App.SourceFile)
	gauge("streamc_start_time_seconds", float64(s.App.Started.UnixMilli())/1000)
	gauge("streamc_batch_interval_seconds", s.App.Interval.Seconds())
	gauge("streamc_ready", b2f(s.Ready))
	counter("streamc_batches_completed_total", float64(t.Completed))
	counter("streamc_batches_failed_total", float64(t.Failed))
	counter("streamc_batches_recovered_total", float64(t.Recovered))
	active := s.Queued
	if s.Active != nil {
		active++
	}
	gauge("streamc_batches_active", float64(active))
	counter("streamc_input_records_total", float64(t.Input))
	counter("streamc_bad_records_total", float64(t.Bad))
	counter("streamc_late_records_total", float64(t.Late))
	if b := s.Last; b != nil {
		gauge("streamc_last_batch_time_seconds", float64(b.Time)/1000)
		gauge("streamc_last_batch_input_records", float64(b.Input))
		gauge("streamc_last_batch_processing_seconds", b.ProcessingTime.Seconds())
	}
	hist("streamc_batch_scheduling_delay_seconds", s.Histograms[0])
	hist("streamc_batch_processing_seconds", s.Histograms[1])
	hist("streamc_batch_total_delay_seconds", s.Histograms[2])
	for _, src := range s.Sources {
		if !src.Reported {
			continue
		}
		name, kind, st := src.Info.Name, src.Info.Kind, src.Status
		counter("streamc_source_records_total", float64(st.Records), name, kind)
		gauge("streamc_source_active", b2f(st.Active), name, kind)
		gauge("streamc_source_buffered_records", float64(st.Buffered), name, kind)
		gauge("streamc_source_rate_limit_records_per_second", st.RateLimit, name, kind)
		for _, p := range st.Partitions {
			part := strconv.Itoa(int(p.Partition))
			gauge("streamc_kafka_partition_lag_records", float64(p.Lag), name, p.Topic, part)
			gauge("streamc_kafka_partition_next_offset", float64(p.Next), name, p.Topic, part)
		}
	}
	for _, o := range s.Outputs {
		desc, pos := o.Info.Desc, o.Info.Pos
		counter("streamc_output_runs_total", float64(o.Runs), desc, pos)
		if o.RecordsKnown {
			counter("streamc_output_records_total", float64(o.Records), desc, pos)
		}
		counter("streamc_output_retries_total", float64(o.Retries), desc, pos)
		counter("streamc_output_failures_total", float64(o.Failures), desc, pos)
		counter("streamc_output_rejected_records_total", float64(o.Rejected), desc, pos)
		counter("streamc_output_duration_seconds_total", o.Duration.Seconds(), desc, pos)
	}
	for _, st := range stateSizes(&s) {
		if st.Bytes != nil {
			gauge("streamc_state_bytes", float64(*st.Bytes), st.Name)
		}
	}
	counter("streamc_checkpoints_total", float64(s.CkTotals.Written))
	counter("streamc_checkpoint_failures_total", float64(s.CkTotals.Failed))
	hist("streamc_checkpoint_duration_seconds", s.CkHistogram)
	if s.CkTotals.Written > 0 {
		gauge("streamc_last_checkpoint_bytes", float64(s.CkTotals.Bytes))
	}
}
