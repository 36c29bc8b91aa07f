package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"streamc.dev/streamc/diag"
)

// jsonDiagnostic is one diagnostic of `streamc check --format json`.
type jsonDiagnostic struct {
	File string `json:"file"`
	// Line and Col are 1-based, Col in bytes (as in file:line:col); both are 0 when
	// the diagnostic has no position (a file that cannot be read).
	Line int `json:"line"`
	Col  int `json:"col"`
	// EndLine and EndCol (exclusive) end the word the diagnostic points at — a name, a
	// literal or one character — for an editor's underline; absent without a position.
	EndLine  int    `json:"endLine,omitempty"`
	EndCol   int    `json:"endCol,omitempty"`
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
}

// checkJSON checks files and prints all their diagnostics as one JSON array on stdout.
func (c *cli) checkJSON(files []string) int {
	out := []jsonDiagnostic{}
	code := exitOK
	for _, name := range files {
		u, diags, err := analyze(name)
		if err != nil {
			out = append(out, jsonDiagnostic{File: name, Severity: "error", Message: err.Error()})
			code = exitFail
			continue
		}
		if u.plan == nil {
			code = exitFail
		}
		for _, d := range diags {
			jd := jsonDiagnostic{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Severity: d.Severity.String(), Message: d.Msg}
			if jd.File == "" {
				jd.File = name
			}
			if d.Pos.IsValid() {
				jd.EndLine, jd.EndCol = d.Pos.Line, d.Pos.Col+wordLen(u.src, d.Pos)
			}
			out = append(out, jd)
		}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return exitFail
	}
	c.stdout.Write(append(data, '\n'))
	return code
}

// wordLen is the length in bytes of the word at p: an identifier or number, a string
// literal (to its closing quote, or the end of the line when it has none), or else one byte (at least 1).
func wordLen(src []byte, p diag.Pos) int {
	off := lineOffset(src, p.Line) + p.Col - 1
	if off < 0 || off >= len(src) {
		return 1
	}
	rest := src[off:]
	switch ch := rest[0]; {
	case isWordByte(ch):
		n := 0
		for n < len(rest) && isWordByte(rest[n]) {
			n++
		}
		return n
	case ch == '"' || ch == '`':
		n := 1
		for ; n < len(rest) && rest[n] != '\n'; n++ {
			if rest[n] == '\\' && ch == '"' {
				n++
				continue
			}
			if rest[n] == ch {
				return n + 1
			}
		}
		return min(n, len(rest)) // unterminated: to the end of the line
	}
	return 1
}

func isWordByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// lineOffset is the byte offset of the start of 1-based line n in src.
func lineOffset(src []byte, n int) int {
	off := 0
	for line := 1; line < n; line++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return off
}
