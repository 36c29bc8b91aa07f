package checkpoint

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// magic starts every checkpoint file.
const magic = "STRMCKPT"

// FormatVersion is the version of the file format this package writes and reads.
const FormatVersion = 1

// castagnoli is the CRC32C table (the polynomial with hardware support on amd64/arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC32C of data, the checksum of checkpoint files, WAL records and
// batch-log entries.
func Checksum(data []byte) uint32 { return crc32.Checksum(data, castagnoli) }

// Checkpoint is the content of one checkpoint file: everything a restarted binary needs
// to resume after batch Time.
type Checkpoint struct {
	Pipeline    string   // the pipeline's name
	Fingerprint string   // the hash of the stateful structure (Pipeline.StateFingerprint)
	Shape       []string // the stateful structure in words, "name: type", to explain a mismatch
	Interval    int64    // the batch interval in ms; batch times are on its grid
	Time        int64    // the last batch whose outputs were all done (ZeroTime before the first)
	ZeroTime    int64    // the origin of the batch-time grid (Spark's zeroTime)
	// Remaining is the engine's count of drain batches still to run once every source
	// is exhausted; -1 while some source is not exhausted. 0 means the run had finished.
	Remaining int64
	Sources   []Section // each source's position, named by the source's name
	State     []byte    // the job's state: a sequence of sections (Writer.Section)
}

// Encode returns c in the file format, checksum included.
func (c *Checkpoint) Encode() []byte { return c.AppendEncoded(nil) }

// AppendEncoded appends c in the file format, checksum included, to dst: Dir.Write
// encodes every checkpoint into one buffer kept from checkpoint to checkpoint.
func (c *Checkpoint) AppendEncoded(dst []byte) []byte {
	w := &Writer{buf: append(dst, magic...)}
	start := len(dst)
	w.Uvarint(FormatVersion)
	w.String(c.Pipeline)
	w.String(c.Fingerprint)
	w.Len(len(c.Shape))
	for _, s := range c.Shape {
		w.String(s)
	}
	w.Varint(c.Interval)
	w.Varint(c.Time)
	w.Varint(c.ZeroTime)
	w.Varint(c.Remaining)
	w.Len(len(c.Sources))
	for _, s := range c.Sources {
		w.String(s.Name)
		w.Bytes(s.Data)
	}
	w.Bytes(c.State)
	return binary.LittleEndian.AppendUint32(w.buf, Checksum(w.buf[start:]))
}

// Decode parses a checkpoint file's content. Truncated or corrupt data fails the
// checksum (or, rarely, the layout) and gives an error wrapping ErrCorrupt.
func Decode(data []byte) (*Checkpoint, error) {
	if len(data) < len(magic)+1+4 {
		return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrCorrupt, len(data))
	}
	if string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a streamc checkpoint (bad magic)", ErrCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if got := Checksum(body); got != sum {
		return nil, fmt.Errorf("%w: checksum mismatch (stored %08x, computed %08x): the file is truncated or damaged",
			ErrCorrupt, sum, got)
	}
	r := NewReader(body[len(magic):])
	if v := r.Uvarint(); r.err == nil && v != FormatVersion {
		return nil, fmt.Errorf("checkpoint format version %d is not supported (this binary reads version %d)", v, FormatVersion)
	}
	c := &Checkpoint{Pipeline: r.String(), Fingerprint: r.String()}
	for range r.Len() {
		c.Shape = append(c.Shape, r.String())
	}
	c.Interval, c.Time, c.ZeroTime, c.Remaining = r.Varint(), r.Varint(), r.Varint(), r.Varint()
	for range r.Len() {
		c.Sources = append(c.Sources, Section{Name: r.String(), Data: r.Bytes()})
	}
	c.State = r.Bytes()
	if err := r.Done(); err != nil {
		return nil, err
	}
	return c, nil
}

// Source returns the position section of the named source, or nil.
func (c *Checkpoint) Source(name string) []byte {
	for _, s := range c.Sources {
		if s.Name == name {
			return s.Data
		}
	}
	return nil
}
