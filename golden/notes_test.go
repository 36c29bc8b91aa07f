package golden

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/planner"
)

// TestNotesMatchGeneratedCode: the plan `streamc explain` prints is the program built.
// For every golden case, an exchange is noted "not built" exactly when the generated
// job has no rt.Exchange for it, and a stage is noted "not generated" exactly when the
// job has no method for it.
func TestNotesMatchGeneratedCode(t *testing.T) {
	checked := 0
	for _, path := range cases(t) {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		prog, _ := dsl.Check("in.stream", source(t, a))
		if prog == nil {
			continue
		}
		p, perrs := planner.Build(prog)
		if perrs != nil {
			continue
		}
		files, err := codegen.Generate(p, codegen.Options{SourcePath: "in.stream"})
		if err != nil {
			continue
		}
		var job string
		for _, f := range files {
			if f.Name == "job.go" {
				job = string(f.Data)
			}
		}
		notes := codegen.Notes(p)
		for _, x := range p.Exchanges {
			built := regexp.MustCompile(fmt.Sprintf(`(?m)^\tx%d +\*rt\.Exchange`, x.ID)).MatchString(job)
			noted := strings.HasPrefix(notes.Exchanges[x.ID], "not built")
			if built == noted {
				t.Errorf("%s: exchange x%d: built %v, noted %q", path, x.ID, built, notes.Exchanges[x.ID])
			}
		}
		for _, s := range p.Stages {
			generated := strings.Contains(job, fmt.Sprintf("func (j *job) stage%d(", s.ID))
			noted := strings.HasPrefix(notes.Stages[s.ID], "not generated")
			if generated == noted {
				t.Errorf("%s: stage %d: generated %v, noted %q", path, s.ID, generated, notes.Stages[s.ID])
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no golden case generated a program")
	}
}
