package kafka

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// logRanges appends a batch's ranges to the range log and syncs it, as one line per
// batch: "time p:from:until p:from:until ...". It is called with s.mu held.
func (s *Source) logRanges(br BatchRanges) error {
	if s.cfg.RangeLog == "" {
		return nil
	}
	if s.rangeLog == nil {
		if err := os.MkdirAll(filepath.Dir(s.cfg.RangeLog), 0o755); err != nil {
			return fmt.Errorf("kafka source: range log: %w", err)
		}
		f, err := os.OpenFile(s.cfg.RangeLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("kafka source: range log: %w", err)
		}
		s.rangeLog = f
	}
	line := strconv.AppendInt(nil, br.Time, 10)
	for _, r := range br.Ranges {
		line = fmt.Appendf(line, " %d:%d:%d", r.Partition, r.From, r.Until)
	}
	line = append(line, '\n')
	if _, err := s.rangeLog.Write(line); err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	if err := s.rangeLog.Sync(); err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	return nil
}

// loadRangeLog turns the logged ranges of batches the checkpoint does not hold into
// hints, so that a replayed batch reads the same ranges again. A torn last line (a
// crash while appending) is ignored: its batch had not read anything yet.
func (s *Source) loadRangeLog() error {
	if s.cfg.RangeLog == "" {
		return nil
	}
	data, err := os.ReadFile(s.cfg.RangeLog)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	if n := len(data); n > 0 && data[n-1] != '\n' {
		// Cut the torn line off, or the next batch's line would be appended to it.
		if err := os.Truncate(s.cfg.RangeLog, int64(bytes.LastIndexByte(data, '\n')+1)); err != nil {
			return fmt.Errorf("kafka source: range log: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hints == nil {
		s.hints = map[int64]BatchRanges{}
	}
	for _, br := range parseRangeLog(data) {
		if _, ok := s.hints[br.Time]; !ok {
			s.hints[br.Time] = br
		}
	}
	return nil
}

// parseRangeLog reads the complete lines of a range log.
func parseRangeLog(data []byte) []BatchRanges {
	var out []BatchRanges
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	complete := bytes.HasSuffix(data, []byte("\n"))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if !complete && len(lines) > 0 {
		lines = lines[:len(lines)-1]
	}
next:
	for _, l := range lines {
		fields := strings.Fields(l)
		if len(fields) == 0 {
			continue
		}
		t, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		br := BatchRanges{Time: t}
		for _, f := range fields[1:] {
			parts := strings.Split(f, ":")
			if len(parts) != 3 {
				continue next
			}
			var v [3]int64
			for i, p := range parts {
				if v[i], err = strconv.ParseInt(p, 10, 64); err != nil {
					continue next
				}
			}
			br.Ranges = append(br.Ranges, Range{Partition: int32(v[0]), From: v[1], Until: v[2]})
		}
		out = append(out, br)
	}
	return out
}

// CheckpointDone drops the logged ranges of batches up to oldestKept, which every kept
// checkpoint covers (the engine's CheckpointCommitter): the log is rewritten under a
// temporary name and renamed into place.
func (s *Source) CheckpointDone(oldestKept int64) error {
	if s.cfg.RangeLog == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := os.ReadFile(s.cfg.RangeLog)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	var keep []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) == 0 || l[len(l)-1] != '\n' {
			continue
		}
		t, err := strconv.ParseInt(string(bytes.Fields(l)[0]), 10, 64)
		if err == nil && t <= oldestKept {
			continue
		}
		keep = append(keep, l...)
	}
	if len(keep) == len(data) {
		return nil
	}
	tmp := s.cfg.RangeLog + ".tmp"
	if err := os.WriteFile(tmp, keep, 0o644); err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	if s.rangeLog != nil {
		s.rangeLog.Close()
		s.rangeLog = nil
	}
	if err := os.Rename(tmp, s.cfg.RangeLog); err != nil {
		return fmt.Errorf("kafka source: range log: %w", err)
	}
	return nil
}
