module example.com/hooks

go 1.26

require streamc.dev/streamc v0.0.0

// For editors and go vet in this directory; streamc replaces streamc.dev/streamc by
// its own runtime when it builds a pipeline that imports this package.
replace streamc.dev/streamc => ../../..
