package runtime

// Version is the version of the runtime API that generated code is written against.
// It changes when the contract in doc.go changes in a way that old generated code
// would compile against but misuse, or would not compile against at all.
const Version = "0.1.0"

// EnforceVersion0_1 exists so that generated code fails to compile, with a clear
// identifier in the error, when it is built against a runtime whose API version it was
// not generated for. Every generated file contains
//
//	var _ rt.EnforceVersion0_1
//
// A runtime that breaks the contract renames this type (EnforceVersion0_2, ...), so
// building old generated code reports "undefined: rt.EnforceVersion0_1" and the fix is
// to regenerate with a matching streamc. This is the same device as protobuf-go's
// protoimpl.EnforceVersion.
type EnforceVersion0_1 struct{}
