package runtime

import (
	"sync/atomic"
	"time"
)

// Metrics are the run's counters, the figures of Spark's Streaming tab that the log's
// "pipeline stopped" line totals. The engine updates the batch figures; sources and
// decoders add to RecordsIn (through Batch.AddInput), BadRecords and LateRecords. All
// fields are safe for concurrent use. The operations server shows much more, from the
// run's status recorder (Context.Status).
type Metrics struct {
	Batches             atomic.Int64 // batches completed
	RecordsIn           atomic.Int64 // input records, over all sources and batches
	BadRecords          atomic.Int64 // records that failed to decode (skipped or dead-lettered)
	LateRecords         atomic.Int64 // records dropped by eventTime for coming after their lateness
	ProcessingNanos     atomic.Int64 // total processing time of completed batches
	LastBatchTime       atomic.Int64 // batch time (ms) of the last completed batch
	LastInput           atomic.Int64 // input records of the last completed batch
	LastSchedulingDelay atomic.Int64 // scheduling delay of the last batch, ns
	LastProcessing      atomic.Int64 // processing time of the last batch, ns
	LastTotalDelay      atomic.Int64 // total delay of the last batch, ns

	started time.Time
}

// NewMetrics returns zeroed metrics whose uptime counts from now.
func NewMetrics() *Metrics { return &Metrics{started: time.Now()} }

// MetricsSnapshot is the counters read at once. Durations are milliseconds.
type MetricsSnapshot struct {
	Pipeline           string  `json:"pipeline"`
	UptimeMs           int64   `json:"uptimeMs"`
	Batches            int64   `json:"batches"`
	RecordsIn          int64   `json:"recordsIn"`
	BadRecords         int64   `json:"badRecords"`
	LateRecords        int64   `json:"lateRecords"`
	ProcessingTimeMs   float64 `json:"processingTimeMs"`
	LastBatchTime      int64   `json:"lastBatchTime"`
	LastInputRecords   int64   `json:"lastInputRecords"`
	LastSchedulingMs   float64 `json:"lastSchedulingDelayMs"`
	LastProcessingMs   float64 `json:"lastProcessingTimeMs"`
	LastTotalDelayMs   float64 `json:"lastTotalDelayMs"`
	AvgProcessingMs    float64 `json:"avgProcessingTimeMs"`
	InputRatePerSecond float64 `json:"inputRatePerSecond"`
}

func nanosToMs(n int64) float64 { return float64(n) / 1e6 }

// Snapshot reads the counters at once (each atomically; not as one transaction).
func (m *Metrics) Snapshot(pipeline string) MetricsSnapshot {
	s := MetricsSnapshot{
		Pipeline:         pipeline,
		UptimeMs:         time.Since(m.started).Milliseconds(),
		Batches:          m.Batches.Load(),
		RecordsIn:        m.RecordsIn.Load(),
		BadRecords:       m.BadRecords.Load(),
		LateRecords:      m.LateRecords.Load(),
		ProcessingTimeMs: nanosToMs(m.ProcessingNanos.Load()),
		LastBatchTime:    m.LastBatchTime.Load(),
		LastInputRecords: m.LastInput.Load(),
		LastSchedulingMs: nanosToMs(m.LastSchedulingDelay.Load()),
		LastProcessingMs: nanosToMs(m.LastProcessing.Load()),
		LastTotalDelayMs: nanosToMs(m.LastTotalDelay.Load()),
	}
	if s.Batches > 0 {
		s.AvgProcessingMs = s.ProcessingTimeMs / float64(s.Batches)
	}
	if s.UptimeMs > 0 {
		s.InputRatePerSecond = float64(s.RecordsIn) / (float64(s.UptimeMs) / 1000)
	}
	return s
}

// recordBatch adds a completed batch's figures.
func (m *Metrics) recordBatch(t Time, input int64, sched, proc, total time.Duration) {
	m.Batches.Add(1)
	m.ProcessingNanos.Add(int64(proc))
	m.LastBatchTime.Store(int64(t))
	m.LastInput.Store(input)
	m.LastSchedulingDelay.Store(int64(sched))
	m.LastProcessing.Store(int64(proc))
	m.LastTotalDelay.Store(int64(total))
}
