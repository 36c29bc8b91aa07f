package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

// Alloc records that the batch with time Time holds the log's records from the previous
// allocation's End up to End (exclusive).
type Alloc struct {
	Time int64
	End  uint64
}

// AllocName is the allocation file's name in a log directory.
const AllocName = "alloc.log"

const allocSize = 20 // time 8, end 8, crc 4

// Allocs is the durable record of which records went to which batch.
type Allocs struct {
	path    string
	f       *os.File
	entries []Alloc
}

// OpenAllocs opens (creating) the allocation file of the log directory dir. A torn last
// entry is dropped.
func OpenAllocs(dir string) (*Allocs, error) {
	path := filepath.Join(dir, AllocName)
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("write-ahead log allocations: %w", err)
	}
	a := &Allocs{path: path}
	for len(data) >= allocSize {
		e := data[:allocSize]
		data = data[allocSize:]
		if crc32.Checksum(e[:16], castagnoli) != binary.LittleEndian.Uint32(e[16:]) {
			break
		}
		a.entries = append(a.entries, Alloc{Time: int64(binary.LittleEndian.Uint64(e)), End: binary.LittleEndian.Uint64(e[8:])})
	}
	if err := a.rewrite(a.entries); err != nil {
		return nil, err
	}
	return a, nil
}

// Entries returns the allocations in order.
func (a *Allocs) Entries() []Alloc { return a.entries }

func encodeAlloc(buf []byte, e Alloc) []byte {
	start := len(buf)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(e.Time))
	buf = binary.LittleEndian.AppendUint64(buf, e.End)
	return binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[start:], castagnoli))
}

// Append records an allocation durably (write and fsync) before the batch runs.
func (a *Allocs) Append(e Alloc) error {
	if _, err := a.f.Write(encodeAlloc(nil, e)); err != nil {
		return fmt.Errorf("write-ahead log allocations: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("write-ahead log allocations: %w", err)
	}
	a.entries = append(a.entries, e)
	return nil
}

// Compact drops the allocations of batches up to time t, which a durable checkpoint
// covers, by rewriting the file atomically.
func (a *Allocs) Compact(t int64) error {
	var keep []Alloc
	for _, e := range a.entries {
		if e.Time > t {
			keep = append(keep, e)
		}
	}
	if len(keep) == len(a.entries) {
		return nil
	}
	return a.rewrite(keep)
}

// rewrite replaces the file with entries (temp file, fsync, rename, fsync dir) and
// reopens it for appending.
func (a *Allocs) rewrite(entries []Alloc) error {
	var buf []byte
	for _, e := range entries {
		buf = encodeAlloc(buf, e)
	}
	tmp := a.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err == nil {
		_, err = f.Write(buf)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(a.path))
	}
	if err != nil {
		return fmt.Errorf("write-ahead log allocations: %w", err)
	}
	if a.f != nil {
		a.f.Close()
	}
	a.f, err = os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("write-ahead log allocations: %w", err)
	}
	a.entries = entries
	return nil
}

// Close closes the file.
func (a *Allocs) Close() error {
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
