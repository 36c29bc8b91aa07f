package base

import (
	"bytes"
	"encoding/json"
	"os"
	"unicode/utf8"
)

// AdEvent holds the fields of a Yahoo Streaming Benchmark event that the baselines use;
// they alias the input (or, from the exact path, are copies).
type AdEvent struct {
	AdID, EventType, EventTime []byte
}

// ysbFields are the seven keys of a YSB event, each of which must be present.
var ysbFields = [...]string{"user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"}

// ysbLayout is what precedes each value in an event as the YSB generator writes it.
var ysbLayout = [...]string{`{"user_id": "`, `", "page_id": "`, `", "ad_id": "`, `", "ad_type": "`,
	`", "event_type": "`, `", "event_time": "`, `", "ip_address": "`}

// NextAdEvent decodes the JSON event line that starts at data[i] into e and returns the
// offset after its line end; data must be a share of a Batch, i < len(data). ok is false
// for a bad record; then bad is the line.
//
// It matches the line against the generator's layout, `{"user_id": "…", "page_id": "…",
// …}`, in one pass: each key with its punctuation is one comparison with a constant, and
// each value is read 8 bytes at a time up to its closing quote, the same masks testing
// every byte for a quote and for what would need the general decoder (a backslash, a
// control character such as the line end, a byte ≥ 0x80). After the last value the line
// must end (`"}` and the line end). Anything else — another key order or spacing,
// escapes, unknown keys, non-ASCII text — goes to parseAdEventExact, which decodes as
// streamc's JSON decoder does, so both give the same event or both reject the line.
// (An earlier version first scanned the whole line for those bytes and then cut the
// values with bytes.IndexByte: two passes, and seven calls a line; streamc's generated
// scanner, which does one pass, was 1.11-1.27× faster than it.)
func NextAdEvent(data []byte, i int, e *AdEvent) (next int, ok bool, bad []byte) {
	full := data[:cap(data)] // the batch's padding ends any line: a value's scan stops there
	start, p := i, i
	var vals [7][]byte
	for f, lit := range ysbLayout {
		if len(full)-p < len(lit)+8 || string(full[p:p+len(lit)]) != lit {
			goto slow
		}
		p += len(lit)
		v := p
		for {
			x := Load8(full, p)
			if m := eq(x, '"') | below(x, 0x20) | eq(x, '\\') | high(x); m != 0 {
				p += firstByte(m)
				break
			}
			p += 8
		}
		if full[p] != '"' {
			goto slow
		}
		vals[f] = full[v:p]
	}
	if len(full)-p >= 3 && string(full[p:p+3]) == "\"}\n" {
		e.AdID, e.EventType, e.EventTime = vals[2], vals[4], vals[5]
		return p + 3, true, nil
	}
slow:
	end := start + bytes.IndexByte(full[start:], '\n')
	line := bytes.TrimSuffix(full[start:end], []byte("\r"))
	if !parseAdEventExact(line, e) {
		return end + 1, false, line
	}
	return end + 1, true, nil
}

// parseAdEventExact decodes an event as streamc's JSON decoder does: one JSON object,
// keys matched exactly (not case-insensitively), in any order, unknown keys skipped,
// each of the seven fields present with a string value (escapes decoded), valid UTF-8
// and no lone surrogate escape. It allocates; it runs only for lines off the layout.
func parseAdEventExact(line []byte, e *AdEvent) bool {
	if !utf8.Valid(line) {
		return false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil || obj == nil {
		return false
	}
	var vals [7][]byte
	for f, name := range ysbFields {
		raw, ok := obj[name]
		if !ok || len(raw) == 0 || raw[0] != '"' {
			return false
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return false
		}
		// encoding/json turns a lone surrogate escape into U+FFFD; streamc rejects it.
		if bytes.ContainsRune([]byte(s), utf8.RuneError) && !bytes.ContainsRune(raw, utf8.RuneError) &&
			!bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`)) {
			return false
		}
		vals[f] = []byte(s)
	}
	e.AdID, e.EventType, e.EventTime = vals[2], vals[4], vals[5]
	return true
}

// Campaigns is the YSB ad → campaign table: every ad of the reference file in a
// dictionary whose id indexes CampaignOf, and the campaigns numbered in byte order of
// their ids, so that counts per campaign are an array and print sorted as they stand.
type Campaigns struct {
	Ads        *Dict
	CampaignOf []int32  // by ad id: the campaign's rank
	Names      [][]byte // by rank: the campaign id
}

// LoadCampaigns reads the JSON-lines file of {"ad_id": …, "campaign_id": …}; it is read
// once, so encoding/json is fast enough. A later line for the same ad wins, as in a
// table.
func LoadCampaigns(path string) *Campaigns {
	data, err := os.ReadFile(path)
	Check(err)
	type row struct {
		AdID       string `json:"ad_id"`
		CampaignID string `json:"campaign_id"`
	}
	var rows []row
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		var r row
		if err := json.Unmarshal(line, &r); err != nil {
			BadRecord(path, line)
		}
		rows = append(rows, r)
	}
	camps := NewDict(len(rows))
	for _, r := range rows {
		h, pre := Hash([]byte(r.CampaignID))
		camps.Add(h, pre, []byte(r.CampaignID))
	}
	rank := make([]int32, camps.Len())
	c := &Campaigns{Ads: NewDict(len(rows))}
	for i, id := range camps.Sorted() {
		rank[id] = int32(i)
		c.Names = append(c.Names, camps.String(id))
	}
	for _, r := range rows {
		h, pre := Hash([]byte(r.AdID))
		ad := c.Ads.Add(h, pre, []byte(r.AdID))
		if int(ad) == len(c.CampaignOf) {
			c.CampaignOf = append(c.CampaignOf, 0)
		}
		h, pre = Hash([]byte(r.CampaignID))
		cid, _ := camps.Find(h, pre, []byte(r.CampaignID))
		c.CampaignOf[ad] = rank[cid]
	}
	return c
}
