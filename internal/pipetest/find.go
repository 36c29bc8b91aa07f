package pipetest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Found is what Find found: the test files to run, in order, and the .stream files
// named on the command line that have none.
type Found struct {
	Tests   []string
	NoTests []string
}

// Find resolves the arguments of `streamc test` to test files, as `go test` resolves
// packages: a test file (NAME_test.txtar) stands for itself, a .stream file for its
// tests, a directory for the test files in it, and DIR/... for those in DIR and below
// (directories whose names start with "." or "_", and testdata, are skipped). No
// argument means "." . Each test file is listed once, in the order found.
func Find(args []string) (Found, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var found Found
	seen := map[string]bool{}
	add := func(path string) {
		if !seen[path] {
			seen[path] = true
			found.Tests = append(found.Tests, path)
		}
	}
	for _, arg := range args {
		if dir, ok := strings.CutSuffix(arg, "/..."); ok || arg == "..." {
			if arg == "..." {
				dir = "."
			}
			tests, err := walk(dir)
			if err != nil {
				return found, err
			}
			for _, t := range tests {
				add(t)
			}
			continue
		}
		st, err := os.Stat(arg)
		if err != nil {
			return found, err
		}
		switch {
		case st.IsDir():
			tests, err := inDirectory(arg)
			if err != nil {
				return found, err
			}
			for _, t := range tests {
				add(t)
			}
		case strings.HasSuffix(arg, Suffix):
			add(arg)
		case strings.HasSuffix(arg, ".stream"):
			tests, err := testsOf(arg)
			if err != nil {
				return found, err
			}
			if len(tests) == 0 {
				found.NoTests = append(found.NoTests, arg)
			}
			for _, t := range tests {
				add(t)
			}
		default:
			return found, fmt.Errorf("%s is neither a test file (NAME%s), a .stream file nor a directory", arg, Suffix)
		}
	}
	return found, nil
}

// walk returns the test files in dir and below.
func walk(dir string) ([]string, error) {
	var tests []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, Suffix) {
			tests = append(tests, path)
		}
		return nil
	})
	return tests, err
}

// inDirectory returns the test files directly in dir.
func inDirectory(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var tests []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), Suffix) {
			tests = append(tests, filepath.Join(dir, e.Name()))
		}
	}
	return tests, nil
}

// testsOf returns the test files of the .stream file at path: NAME_test.txtar and
// NAME_CASE_test.txtar beside it that resolve to it.
func testsOf(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	name := strings.TrimSuffix(base, ".stream")
	matches, err := filepath.Glob(filepath.Join(dir, globEscape(name)+"*"+Suffix))
	if err != nil {
		return nil, err
	}
	var tests []string
	for _, m := range matches {
		if s, err := StreamOf(m); err == nil && filepath.Clean(s) == filepath.Clean(path) {
			tests = append(tests, m)
		}
	}
	slices.Sort(tests)
	return tests, nil
}

// StreamOf returns the .stream file a test file tests: for NAME_test.txtar, NAME.stream
// beside it; for NAME_CASE_test.txtar (several tests of one pipeline), the longest
// NAME, cut at an underscore, that has a .stream file beside it.
func StreamOf(test string) (string, error) {
	dir, base := filepath.Split(test)
	name := strings.TrimSuffix(base, Suffix)
	for cand := name; cand != ""; {
		p := filepath.Join(dir, cand+".stream")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		i := strings.LastIndexByte(cand, '_')
		if i < 0 {
			break
		}
		cand = cand[:i]
	}
	return "", fmt.Errorf("%s: no pipeline to test: want %s.stream beside it (a test file NAME_CASE%s tests NAME.stream)",
		test, name, Suffix)
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
