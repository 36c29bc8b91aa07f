// Package editors builds editor support for .stream files: the TextMate grammar of
// editors/vscode (a VS Code extension that other editors load too), whose lists of
// keywords, settings, sources, operators and builtins come from dsl/builtins, so that
// a new operator is highlighted as soon as the language has it.
//
// go generate ./editors rewrites vscode/syntaxes/stream.tmLanguage.json; a test fails
// when the file is stale.
package editors

//go:generate go run ./internal/gengrammar
