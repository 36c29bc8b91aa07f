package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Writer appends typed values to a byte buffer in the checkpoint encoding. Generated code
// writes operator state with it, sources write their positions; the zero Writer is ready
// to use. Writes never fail; the encoding is fixed by the order of the calls, which the
// matching Reader calls must repeat.
type Writer struct {
	buf []byte
	// sub is the writer Section lends to its fn, kept for the next section.
	sub *Writer
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer { return &Writer{} }

// Data returns the bytes written so far. The slice is the Writer's own storage.
func (w *Writer) Data() []byte { return w.buf }

// Reset empties w, keeping its storage (and its sections' scratch writer), so that a
// checkpoint written after the previous one is done with reuses the memory.
func (w *Writer) Reset() { w.buf = w.buf[:0] }

// Uvarint writes an unsigned integer.
func (w *Writer) Uvarint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

// Varint writes a signed integer (zig-zag encoded, so small negatives stay small).
func (w *Writer) Varint(v int64) { w.buf = binary.AppendVarint(w.buf, v) }

// Len writes a count (of the elements of a slice or map that follow). Each element
// must then write at least one byte, which lets the Reader reject absurd counts.
func (w *Writer) Len(n int) { w.Uvarint(uint64(n)) }

// Bool writes a boolean as one byte.
func (w *Writer) Bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// Float64 writes a float as its 8 IEEE 754 bytes, so every value (NaN included)
// survives exactly.
func (w *Writer) Float64(f float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(f))
}

// String writes a length-prefixed string.
func (w *Writer) String(s string) {
	w.Uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// Bytes writes a length-prefixed byte slice.
func (w *Writer) Bytes(b []byte) {
	w.Uvarint(uint64(len(b)))
	w.buf = append(w.buf, b...)
}

// Section writes a named section whose payload fn writes. Sections let a reader find a
// piece of state by name (Reader.Section) and skip the others, so the job's state is a
// sequence of sections, one per stateful operator, named as Pipeline.State names them.
// An error from fn is returned with the section's name.
func (w *Writer) Section(name string, fn func(w *Writer) error) error {
	if w.sub == nil {
		w.sub = &Writer{}
	}
	sub := w.sub
	sub.Reset()
	if err := fn(sub); err != nil {
		return fmt.Errorf("state section %q: %w", name, err)
	}
	w.String(name)
	w.Bytes(sub.buf)
	return nil
}

// ErrCorrupt is wrapped by every decoding error: the bytes do not follow the encoding.
var ErrCorrupt = errors.New("corrupt checkpoint data")

// Reader decodes what a Writer wrote. Errors are sticky: after the first one every read
// returns a zero value, and Err (or Done) reports it, so decoding code can read a whole
// structure and check once.
type Reader struct {
	data []byte
	off  int
	err  error
}

// NewReader returns a Reader over data.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// Err returns the first decoding error, or nil.
func (r *Reader) Err() error { return r.err }

// Done returns the first decoding error, or an error when bytes remain unread: the
// reading code and the data disagree about the layout.
func (r *Reader) Done() error {
	if r.err == nil && r.off != len(r.data) {
		r.fail("%d unread bytes at the end", len(r.data)-r.off)
	}
	return r.err
}

// Fail records a decoding error found by the caller (an impossible value), unless one
// is already recorded, and returns the recorded one.
func (r *Reader) Fail(format string, args ...any) error {
	r.fail(format, args...)
	return r.err
}

func (r *Reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
}

// Remaining returns the number of unread bytes.
func (r *Reader) Remaining() int { return len(r.data) - r.off }

// Uvarint reads an unsigned integer.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.off:])
	if n <= 0 {
		r.fail("bad uvarint at offset %d", r.off)
		return 0
	}
	r.off += n
	return v
}

// Varint reads a signed integer.
func (r *Reader) Varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data[r.off:])
	if n <= 0 {
		r.fail("bad varint at offset %d", r.off)
		return 0
	}
	r.off += n
	return v
}

// Len reads a count written by Writer.Len. A count larger than the bytes left (each
// element takes at least one) is an error, so corrupt data cannot make the caller
// allocate gigabytes.
func (r *Reader) Len() int {
	v := r.Uvarint()
	if r.err == nil && v > uint64(r.Remaining()) {
		r.fail("count %d exceeds the %d bytes left", v, r.Remaining())
		return 0
	}
	return int(v)
}

// Bool reads a boolean.
func (r *Reader) Bool() bool {
	b := r.take(1)
	if b == nil {
		return false
	}
	switch b[0] {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail("bad boolean %d", b[0])
	return false
}

// Float64 reads a float.
func (r *Reader) Float64() float64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// String reads a length-prefixed string.
func (r *Reader) String() string { return string(r.bytes()) }

// Bytes reads a length-prefixed byte slice. The result aliases the Reader's data.
func (r *Reader) Bytes() []byte { return r.bytes() }

func (r *Reader) bytes() []byte {
	n := r.Uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(r.Remaining()) {
		r.fail("length %d exceeds the %d bytes left", n, r.Remaining())
		return nil
	}
	return r.take(int(n))
}

// take returns the next n bytes, or nil after recording an error.
func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > r.Remaining() {
		r.fail("want %d bytes at offset %d, have %d", n, r.off, r.Remaining())
		return nil
	}
	b := r.data[r.off : r.off+n : r.off+n]
	r.off += n
	return b
}

// Section finds the section named name among the sections that make up r's data (as
// the job's state is made of them) and returns a Reader over its payload. It does not
// move r. A missing section is an error that names it; so is data that is not a
// sequence of sections.
func (r *Reader) Section(name string) (*Reader, error) {
	secs, err := r.sections()
	if err != nil {
		return nil, err
	}
	for _, s := range secs {
		if s.Name == name {
			return NewReader(s.Data), nil
		}
	}
	return nil, fmt.Errorf("the checkpoint has no state section %q", name)
}

// Sections returns the names of the sections that make up r's data, in order.
func (r *Reader) Sections() ([]string, error) {
	secs, err := r.sections()
	var names []string
	for _, s := range secs {
		names = append(names, s.Name)
	}
	return names, err
}

func (r *Reader) sections() ([]Section, error) {
	sr := NewReader(r.data)
	var out []Section
	for sr.Remaining() > 0 && sr.err == nil {
		s := Section{Name: sr.String(), Data: sr.Bytes()}
		if sr.err == nil {
			out = append(out, s)
		}
	}
	return out, sr.err
}

// Section is a named piece of a checkpoint: a source's position or an operator's state.
type Section struct {
	Name string
	Data []byte
}
