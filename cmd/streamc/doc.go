// Command streamc compiles .stream pipelines into native Go binaries.
//
// Usage:
//
//	streamc check FILE...              type-check; exit 0 ok, 1 diagnostics, 2 usage
//	streamc fmt [-w] [-l] FILE...      print (or rewrite) files in canonical layout
//	streamc explain [--format text|dot] FILE
//	                                   print the physical plan: stages, fused chains,
//	                                   exchanges and why each stage was cut
//	streamc gen FILE -o DIR            write the generated Go package only
//	streamc build FILE [-o OUT]        build the pipeline binary (default ./NAME)
//	streamc run FILE [-- FLAGS...]     build into the cache and run, passing FLAGS
//	streamc version                    print the version
//
// Exit codes: 0 success, 1 diagnostics or a failed build or run, 2 usage errors. For
// `run`, the pipeline's own exit code is passed through.
package main
