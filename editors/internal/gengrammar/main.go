// Command gengrammar writes the TextMate grammar of .stream files
// (editors/vscode/syntaxes/stream.tmLanguage.json) from dsl/builtins. Run it with
// go generate ./editors.
package main

import (
	"fmt"
	"os"

	"streamc.dev/streamc/editors"
)

func main() {
	if err := os.WriteFile(editors.GrammarFile, editors.Grammar(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gengrammar:", err)
		os.Exit(1)
	}
}
