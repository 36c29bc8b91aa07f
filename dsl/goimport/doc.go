// Package goimport loads the Go packages a .stream file imports (`import ua
// "github.com/mssola/useragent@v0.6.0"`, `import geo "./geo"`) and describes their
// exported functions in .stream types, so that the checker can type-check calls such as
// ua.Parse(line) like builtins, before anything is built.
//
// Signatures are read with golang.org/x/tools/go/packages. A parameter or result maps
// to a .stream type when a value converts without loss of meaning:
//
//	string           string
//	bool             bool
//	int64            int     (int, int8..int32, uint8..uint32 convert; see Conv)
//	float64          float   (float32 converts)
//	time.Time        time
//	time.Duration    duration
//	[]T              [T]     for T that needs no conversion
//	*T               T?      nil is none
//	struct           a record "pkg.Type", fields named by their json tags (else Lat →
//	                 lat), every field exported and needing no conversion; a record of
//	                 the program with the same fields may be passed for it
//
// A function returns one value; (T, error) fails the batch with the error and the
// .stream position of the call; (T, bool) gives T? (none when the bool is false).
// Anything else (maps, pointers, funcs, channels, variadics, generics other than a sink's
// or batch callback's element type) makes the function uncallable from .stream; the
// checker says which parameter and why. A function returning sink.Sink[T] is a sink
// (writeTo), one returning gosource.Source[T] a source, and
// func(context.Context, time.Time, []T) error a batch callback (foreachBatch).
//
// Where the package comes from:
//   - "./dir" or "../dir": a package in a directory beside the .stream file, inside a Go
//     module (a go.mod in it or above it); the generated program replaces that module by
//     the directory, so edits are picked up at the next build.
//   - "module/path@version": a package of a module from the module proxy, pinned.
//   - "module/path": the version the module around the .stream file requires, if there is
//     one; otherwise the latest, which the checker reports (with the version found) so that
//     it can be pinned.
//
// Modules are resolved in a small Go module under the user cache directory, with the go
// command, so offline builds work from the module cache once the module is in it.
package goimport
