package codec

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
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
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// flushAt is the buffered size at which DeadLetter writes without waiting for Flush.
const flushAt = 64 << 10

// BadRecords applies one Policy. It is safe for concurrent use by the partitions of a
// batch. Decoders that share a dead-letter path should share one BadRecords.
type BadRecords struct {
	policy   Policy
	count    atomic.Int64
	reported atomic.Int64 // count as of the last TakeNew

	mu   sync.Mutex
	buf  []byte
	file *os.File
}

// NewBadRecords returns a handler for p. A DeadLetter file is created (with its
// directory) only when the first bad record is written.
func NewBadRecords(p Policy) *BadRecords { return &BadRecords{policy: p} }

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
// and returns nil unless writing the file failed.
func (b *BadRecords) Handle(source, pos string, batchTime int64, raw string, err error) error {
	b.count.Add(1)
	switch b.policy.Kind {
	case Skip:
		return nil
	case DeadLetter:
		b.mu.Lock()
		defer b.mu.Unlock()
		b.buf = append(b.buf, `{"batchTime":`...)
		b.buf = strconv.AppendInt(b.buf, batchTime, 10)
		b.buf = append(b.buf, `,"source":`...)
		b.buf = AppendJSONString(b.buf, source)
		b.buf = append(b.buf, `,"pos":`...)
		b.buf = AppendJSONString(b.buf, pos)
		b.buf = append(b.buf, `,"error":`...)
		b.buf = AppendJSONString(b.buf, err.Error())
		b.buf = append(b.buf, `,"record":`...)
		b.buf = AppendJSONString(b.buf, raw)
		b.buf = append(b.buf, "}\n"...)
		if len(b.buf) >= flushAt {
			return b.flushLocked()
		}
		return nil
	}
	return &DecodeError{Source: source, Pos: pos, BatchTime: batchTime, Record: raw, Err: err}
}

// Flush writes the buffered dead letters; the engine calls it at the end of each batch.
func (b *BadRecords) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *BadRecords) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	if b.file == nil {
		if dir := filepath.Dir(b.policy.Path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("dead letter file: %w", err)
			}
		}
		f, err := os.OpenFile(b.policy.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("dead letter file: %w", err)
		}
		b.file = f
	}
	// One write of whole lines: with O_APPEND, lines from several writers do not interleave.
	_, err := b.file.Write(b.buf)
	b.buf = b.buf[:0]
	if err != nil {
		return fmt.Errorf("dead letter file: %w", err)
	}
	return nil
}

// Close flushes and closes the dead-letter file, if one was opened.
func (b *BadRecords) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.flushLocked()
	if b.file != nil {
		if cerr := b.file.Close(); err == nil {
			err = cerr
		}
		b.file = nil
	}
	return err
}
