// Command streamc compiles .stream pipelines into native Go binaries.
//
// Usage:
//
//	streamc check [--format text|json] FILE...   type-check; json: diagnostics for editors
//	streamc fmt [-w] [-l] FILE...                print (or rewrite) files in canonical layout
//	streamc explain [--format text|dot] FILE     print the physical plan: stages, fused
//	                                             chains, exchanges and why each stage was cut
//	streamc gen -o DIR FILE                      write the generated Go program (and, outside
//	                                             streamc's module, a go.mod that builds it)
//	streamc build [-o OUT] [-v] [-x] FILE        build the pipeline binary (default ./NAME)
//	streamc run [-v] [-x] FILE [-- FLAGS...]     build into the cache and run, passing FLAGS
//	streamc test [-update] [-v] [PATTERN...]     run the tests beside pipelines (NAME_test.txtar)
//	streamc kafka-dev [--addr HOST:PORT] [--topics NAME[:N],...] [--partitions N] [--data DIR]
//	                                             run a Kafka-protocol broker for development
//	streamc version                              print the version
//	streamc help [COMMAND]                       the commands, or one command's help
//
// Each command prints its synopsis, description, flags and examples with -h, -help or
// --help, as `streamc help COMMAND` does. The commands are a table (commands in cli.go);
// the CLI is the function run, which the scripts in testdata/script drive.
//
// Exit codes: 0 success (help included), 1 diagnostics or a failed build or run, 2 usage
// errors. For `run` and `kafka-dev`, the program's own exit code is passed through.
package main
