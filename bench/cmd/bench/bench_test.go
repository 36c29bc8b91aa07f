package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSameBody(t *testing.T) {
	dir := t.TempDir()
	printed := filepath.Join(dir, "printed")
	out := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n(a,1)\n(b,2)\n\n" +
		"-------------------------------------------\nTime: 2000 ms\n-------------------------------------------\n\n"
	os.WriteFile(printed, []byte(out), 0o644)
	for rows, want := range map[string]bool{"(a,1)\n(b,2)\n": true, "(a,1)\n": false, "(a,1)\n(b,3)\n": false, "(a,1)\n(b,2)\n(c,3)\n": false} {
		duck := filepath.Join(dir, "duck")
		os.WriteFile(duck, []byte(rows), 0o644)
		if got, msg := sameBody(duck, printed); got != want {
			t.Errorf("sameBody(%q) = %v (%s), want %v", rows, got, msg, want)
		}
	}
}

func TestWatchHWM(t *testing.T) {
	peak := watchHWM(os.Getpid())
	time.Sleep(20 * time.Millisecond)
	if p := peak(); p <= 0 {
		t.Errorf("VmHWM of this process = %d", p)
	}
}

func TestFirstDifference(t *testing.T) {
	got := firstDifference([]byte("a\nb\nc\n"), []byte("a\nx\nc\n"))
	if !strings.Contains(got, "line 2") || !strings.Contains(got, `"x"`) {
		t.Errorf("firstDifference = %s", got)
	}
}

func TestMedian(t *testing.T) {
	if m := medianDur([]time.Duration{5, 1, 3}); m != 3 {
		t.Errorf("median of 5,1,3 = %v", m)
	}
	if m := medianDur([]time.Duration{4, 1, 3, 2}); m != 2 {
		t.Errorf("median of 4,1,3,2 = %v", m)
	}
}

func TestPlotIsWellFormedSVG(t *testing.T) {
	var rs []*result
	for _, procs := range []int{1, 2} {
		for i, w := range workloads[:3] {
			r := &result{w: w, procs: procs, streamMed: time.Duration(100 + 50*i), baseM: 100}
			if i == 2 {
				r.pending = "not built"
			}
			rs = append(rs, r)
		}
	}
	svg := plot(rs)
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	rects := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// Background, two workloads × two settings, two legend boxes; the pending one has no bar.
	if rects != 1+4+2 {
		t.Errorf("got %d rects, want 7", rects)
	}
	if !strings.Contains(string(svg), "0.67") { // 100 / 150
		t.Error("the ratio of the second workload is not drawn")
	}
}

func TestEveryWorkloadHasAPipeline(t *testing.T) {
	for _, w := range workloads {
		if pipelineName("../../../"+w.pipelineFile()) == "" {
			t.Errorf("%s: no pipeline line in %s", w.name, w.pipelineFile())
		}
	}
}
