package checkpoint

import (
	"errors"
	"strings"
	"testing"
)

func TestReadSection(t *testing.T) {
	w := NewWriter()
	w.Section("a", func(w *Writer) error { w.Varint(7); w.String("x"); return nil })
	w.Section("b", func(w *Writer) error { w.Bool(true); return nil })
	r := NewReader(w.Data())

	// Sections are found by name, in any order, and read whole.
	var b bool
	if err := r.ReadSection("b", func(s *Reader) { b = s.Bool() }); err != nil || !b {
		t.Fatalf("ReadSection(b) = %v, read %v", err, b)
	}
	var n int64
	var s string
	if err := r.ReadSection("a", func(r *Reader) { n, s = r.Varint(), r.String() }); err != nil || n != 7 || s != "x" {
		t.Fatalf("ReadSection(a) = %v, read %d %q", err, n, s)
	}

	// A missing section names itself.
	err := r.ReadSection("c", func(*Reader) { t.Error("read a missing section") })
	if err == nil || !strings.Contains(err.Error(), `no state section "c"`) {
		t.Errorf("missing section: %v", err)
	}
	// Bytes left unread: the layout disagrees.
	err = r.ReadSection("a", func(r *Reader) { r.Varint() })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `state section "a"`) || !strings.Contains(err.Error(), "unread bytes") {
		t.Errorf("short read: %v", err)
	}
	// Reading past the end: the sticky error is reported with the section's name.
	err = r.ReadSection("b", func(r *Reader) { r.Bool(); r.Varint() })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `state section "b"`) {
		t.Errorf("long read: %v", err)
	}
	// Data that is not made of sections.
	if err := NewReader([]byte{0xff}).ReadSection("a", func(*Reader) {}); err == nil {
		t.Error("ReadSection of garbage: no error")
	}
}
