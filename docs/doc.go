// Package docs holds the user documentation and the tests that keep its examples compiling.
//
// language.md is the .stream language reference. Its tests type-check every ```stream
// block, compare every ```stream-error block's diagnostics with the ```text block that
// follows it, and compare the builtin tables with dsl/builtins. `go test ./docs -update`
// rewrites the generated parts (the diagnostics blocks and the builtin tables) from the
// checker and the builtin table.
package docs
