package codec

import (
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

// PolicyKind says what happens to a record that fails to decode.
type PolicyKind int

const (
	// Fail stops the pipeline with an error (the default, as in Spark).
	Fail PolicyKind = iota
	// Skip drops the record and counts it.
	Skip
	// DeadLetter counts the record and appends it, with its error, to a JSON-lines file.
	DeadLetter
)

func (k PolicyKind) String() string {
	switch k {
	case Fail:
		return "fail"
	case Skip:
		return "skip"
	case DeadLetter:
		return "deadLetter"
	}
	return "PolicyKind(" + strconv.Itoa(int(k)) + ")"
}

// Policy is the onBadRecord setting: a kind and, for DeadLetter, the file's path.
type Policy struct {
	Kind PolicyKind
	Path string
}

// String renders the policy as it is written in a .stream file.
func (p Policy) String() string {
	if p.Kind == DeadLetter {
		return "deadLetter(" + strconv.Quote(p.Path) + ")"
	}
	return p.Kind.String()
}

// MaxRecordInError is how many bytes of a bad record an error message quotes.
const MaxRecordInError = 200

// DecodeError is the error of a bad record under the Fail policy.
type DecodeError struct {
	Source    string // the source's name, e.g. socket(localhost:9999)
	Pos       string // the .stream position of the decoder, file:line:col
	BatchTime int64
	Record    string // the whole record
	Err       error  // the cause
}

func (e *DecodeError) Error() string {
	// Pos is not repeated here: generated code reports the error through the runtime's
	// operator error, which already starts with the decoder's position.
	return "bad record from " + e.Source + ": " + e.Err.Error() + "; record " + Truncate(e.Record, MaxRecordInError) +
		" (set onBadRecord to skip or deadLetter to go on past bad records)"
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Truncate quotes s, cut to at most n bytes on a character boundary with the full length
// noted, so that an error message stays readable whatever the record.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(cutRunes(s, n)) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// BadRecords applies one Policy. It is safe for concurrent use by the partitions of a
// batch. Handlers whose policy names the same dead-letter file share it (see
// deadletter.go), so that each batch's entries are one append.
type BadRecords struct {
	policy   Policy
	count    atomic.Int64
	reported atomic.Int64 // count as of the last TakeNew
	file     *deadLetterFile
	closed   atomic.Bool
}

// NewBadRecords returns a handler for p. checkpointDir is the run's checkpoint
// directory ("" without one) and resume says the run resumes from a checkpoint there:
// with a checkpoint directory, a DeadLetter file gets each batch's entries exactly once
// across crashes and restarts (see deadletter.go). The file is created (with its
// directory) only when the first bad record is written.
func NewBadRecords(p Policy, checkpointDir string, resume bool) *BadRecords {
	b := &BadRecords{policy: p}
	if p.Kind == DeadLetter {
		b.file = acquire(p.Path, checkpointDir, resume)
	}
	return b
}

// Policy returns the handler's policy.
func (b *BadRecords) Policy() Policy { return b.policy }

// Count returns how many bad records were handled, whatever the policy.
func (b *BadRecords) Count() int64 { return b.count.Load() }

// TakeNew returns how many bad records were handled since its previous call: the
// engine reports them per batch in its log line and metrics.
func (b *BadRecords) TakeNew() int64 {
	n := b.count.Load()
	return n - b.reported.Swap(n)
}

// Handle deals with one record that failed to decode: raw is the record, err the
// decoder's error, pos the decoder's .stream position. Under Fail it returns a
// *DecodeError; under Skip, nil; under DeadLetter it buffers a JSON line
//
//	{"batchTime":1700000000000,"source":"…","pos":"…","error":"…","record":"…"}
//
// for Flush and returns nil.
func (b *BadRecords) Handle(source, pos string, batchTime int64, raw string, err error) error {
	b.count.Add(1)
	switch b.policy.Kind {
	case Skip:
		return nil
	case DeadLetter:
		b.file.handle(batchTime, source, pos, err.Error(), raw)
		return nil
	}
	return &DecodeError{Source: source, Pos: pos, BatchTime: batchTime, Record: raw, Err: err}
}

// Oversized describes a line that a source dropped for being longer than its limit:
// lines are cut at the source, before any decoder, so that one runaway line cannot take
// the process's memory. It is a bad record like any other.
type Oversized struct {
	Source string // the source's name
	Pos    string // the .stream position of the decoder that would have read it, or of the source
	File   string // the file the line is in; "" for a receiver
	Prefix string // the beginning of the line, when the source kept it
	Size   int    // the line's length in bytes
	Limit  int    // the longest line the source accepts
	// Received says the line came from a receiver (socket, stdin), outside any batch's
	// logged input: a re-run batch will not see it again.
	Received bool
}

// message is the error text of an over-long line.
func (o Oversized) message() string {
	where := ""
	if o.File != "" {
		where = " in " + o.File
	}
	return "line of " + strconv.Itoa(o.Size) + " bytes" + where + " is longer than the limit of " + strconv.Itoa(o.Limit) + " bytes"
}

// OversizeError is the error of an over-long line under the Fail policy.
type OversizeError struct{ Oversized }

func (e *OversizeError) Error() string {
	return "bad record from " + e.Source + ": " + e.message() + " (set onBadRecord to skip or deadLetter to go on past bad records)"
}

// HandleOversized deals with a line a source dropped for its length, as Handle does
// with a record that failed to decode. Under DeadLetter the entry (the line's prefix as
// its record, plus "size") takes the batch time of the next Flush.
func (b *BadRecords) HandleOversized(o Oversized) error {
	b.count.Add(1)
	switch b.policy.Kind {
	case Skip:
		return nil
	case DeadLetter:
		if len(o.Prefix) > MaxRecordInError {
			o.Prefix = cutRunes(o.Prefix, MaxRecordInError)
		}
		b.file.oversize(o)
		return nil
	}
	return &OversizeError{o}
}

// OversizeInFile returns the OnOversize option of a files source: each over-long line
// goes through HandleOversized. source and pos are as for Handle.
func (b *BadRecords) OversizeInFile(source, pos string, limit int) func(path string, size int) error {
	return func(path string, size int) error {
		return b.HandleOversized(Oversized{Source: source, Pos: pos, File: path, Size: size, Limit: limit})
	}
}

// OversizeReceived returns the OnOversize option of a receiver (socket, stdin).
func (b *BadRecords) OversizeReceived(source, pos string, limit int) func(size int) error {
	return func(size int) error {
		return b.HandleOversized(Oversized{Source: source, Pos: pos, Size: size, Limit: limit, Received: true})
	}
}

// cutRunes cuts s to at most n bytes on a character boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Flush writes the dead letters handled since the last flush in one append: the job
// calls it after the batch's stages (and a sink after its output). batchTime is the
// time of the batch being run (the Batch that RunBatch got, also for the output of a
// lagged event-time stream): with a checkpoint directory the append is synced and
// committed as the next append of that batch, and an append that an earlier run
// committed is skipped when its batch is re-run (its entries are in the file).
// Over-long lines are stamped with batchTime. Handlers sharing a file may all call it:
// the first writes everything pending.
func (b *BadRecords) Flush(batchTime int64) error {
	if b.file == nil {
		return nil
	}
	return b.file.flush(batchTime)
}

// Close releases the dead-letter file; the last handler of a file writes what is still
// pending and closes it. Closing twice does nothing.
func (b *BadRecords) Close() error {
	if b.file == nil || b.closed.Swap(true) {
		return nil
	}
	return b.file.release()
}
