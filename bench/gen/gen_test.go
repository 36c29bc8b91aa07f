package gen

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var tiny = Sizes{
	Words: 1_000, WordFiles: 3, Vocabulary: 50,
	YSBEvents: 300, YSBSeconds: 3,
	Bids: 400, BidFiles: 4,
	Campaigns: 5, AdsPerCampgn: 2,
}

// readTree returns every file below dir by its relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := Generate(t.TempDir(), tiny)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(t.TempDir(), tiny)
	if err != nil {
		t.Fatal(err)
	}
	ta, tb := readTree(t, a.Dir), readTree(t, b.Dir)
	if len(ta) != 4+3+4+1 { // COMPLETE, campaigns.csv, 3 word files, 3 YSB files, 4 bid files
		t.Errorf("got %d files, want 12", len(ta))
	}
	if !reflect.DeepEqual(ta, tb) {
		t.Error("two generations with the same seed differ")
	}
}

func TestContents(t *testing.T) {
	d, err := Generate(t.TempDir(), tiny)
	if err != nil {
		t.Fatal(err)
	}
	var words int
	for i := range tiny.WordFiles {
		b, _ := os.ReadFile(BatchFile(d.WordCount, i, "txt"))
		words += len(strings.Fields(string(b)))
	}
	if words != tiny.Words {
		t.Errorf("got %d words, want %d", words, tiny.Words)
	}

	ads := map[string]bool{}
	m, _ := os.ReadFile(d.Campaigns)
	for _, line := range strings.Split(strings.TrimSuffix(string(m), "\n"), "\n") {
		var c struct {
			AdID       string `json:"ad_id"`
			CampaignID string `json:"campaign_id"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil || c.AdID == "" || c.CampaignID == "" {
			t.Fatalf("campaign %q: %v", line, err)
		}
		ads[c.AdID] = true
	}
	if len(ads) != tiny.Campaigns*tiny.AdsPerCampgn {
		t.Fatalf("got %d ads, want %d", len(ads), tiny.Campaigns*tiny.AdsPerCampgn)
	}
	want := []string{"ad_id", "ad_type", "event_time", "event_type", "ip_address", "page_id", "user_id"}
	var events int
	for i := range tiny.YSBSeconds {
		b, _ := os.ReadFile(BatchFile(d.YSBEvents, i, "json"))
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var e map[string]string
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			var keys []string
			for k := range e {
				keys = append(keys, k)
			}
			if len(keys) != len(want) || !ads[e["ad_id"]] {
				t.Fatalf("event %q: wrong fields or unknown ad", line)
			}
			events++
		}
	}
	if events != tiny.YSBEvents {
		t.Errorf("got %d events, want %d", events, tiny.YSBEvents)
	}

	var bids int
	for i := range tiny.BidFiles {
		b, _ := os.ReadFile(BatchFile(d.Bids, i, "csv"))
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if len(r) != 7 {
				t.Fatalf("bid %v: %d fields", r, len(r))
			}
		}
		bids += len(rows)
	}
	if bids != tiny.Bids {
		t.Errorf("got %d bids, want %d", bids, tiny.Bids)
	}
}

func TestGenerateReusesCompleteData(t *testing.T) {
	root := t.TempDir()
	d, err := Generate(root, tiny)
	if err != nil {
		t.Fatal(err)
	}
	f := BatchFile(d.Bids, 0, "csv")
	if err := os.WriteFile(f, []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(root, tiny); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(f); string(b) != "changed\n" {
		t.Error("Generate rewrote data that was already complete")
	}
}
