package stdlib

import (
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"streamc.dev/streamc/runtime"
)

// Appender is implemented by values that render themselves for print and toString.
// Codegen may give record types an AppendValue method; AppendValue and ToString use it
// instead of rendering the record through reflection.
type Appender interface {
	AppendValue(dst []byte) []byte
}

// ToString renders x as print does (the runtime's Append functions, Scala's toString):
// strings as they are, floats as 1.0, 0.5 and 1.0E7, times as RFC 3339 in UTC with
// milliseconds, durations as 1m30s, tuples as (a,1), lists as [1,2], optionals as
// Some(x) and None, records as Name{field:value,...}. Codegen may compile toString(x)
// to its own per-type render function instead; the two agree.
func ToString[T any](x T) string {
	switch v := any(x).(type) {
	case string:
		return v
	case int64, float64, bool, runtime.Time, time.Duration:
		var buf [32]byte
		return string(AppendValue(buf[:0], x))
	}
	return string(AppendValue(nil, x))
}

// AppendValue appends the rendering of x that ToString returns to dst and returns the
// extended slice.
func AppendValue[T any](dst []byte, x T) []byte {
	switch v := any(x).(type) {
	case string:
		return runtime.AppendString(dst, v)
	case int64:
		return runtime.AppendInt(dst, v)
	case float64:
		return runtime.AppendFloat(dst, v)
	case bool:
		return runtime.AppendBool(dst, v)
	case runtime.Time:
		return runtime.AppendTime(dst, v.Go())
	case time.Duration:
		return runtime.AppendDuration(dst, v)
	case Appender:
		return v.AppendValue(dst)
	}
	return appendReflect(dst, reflect.ValueOf(x))
}

var (
	timeRType     = reflect.TypeFor[runtime.Time]()
	durationRType = reflect.TypeFor[time.Duration]()
	appenderRType = reflect.TypeFor[Appender]()
)

// appendReflect is AppendValue for values known only through reflection: tuples,
// lists, optionals and records, and what they contain.
func appendReflect(dst []byte, v reflect.Value) []byte {
	t := v.Type()
	switch {
	case t == timeRType:
		return runtime.AppendTime(dst, runtime.Time(v.Int()).Go())
	case t == durationRType:
		return runtime.AppendDuration(dst, time.Duration(v.Int()))
	case t.Implements(appenderRType) && v.CanInterface():
		return v.Interface().(Appender).AppendValue(dst)
	}
	switch v.Kind() {
	case reflect.String:
		return runtime.AppendString(dst, v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return runtime.AppendInt(dst, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return runtime.AppendInt(dst, int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return runtime.AppendFloat(dst, v.Float())
	case reflect.Bool:
		return runtime.AppendBool(dst, v.Bool())
	case reflect.Slice, reflect.Array:
		dst = append(dst, '[')
		for i := range v.Len() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendReflect(dst, v.Index(i))
		}
		return append(dst, ']')
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return runtime.AppendNone(dst)
		}
		return appendReflect(dst, v.Elem())
	case reflect.Struct:
		switch {
		case isOpt(t):
			if !v.Field(1).Bool() {
				return runtime.AppendNone(dst)
			}
			dst = append(dst, "Some("...)
			dst = appendReflect(dst, v.Field(0))
			return append(dst, ')')
		case isTuple(t):
			dst = append(dst, '(')
			for i := range v.NumField() {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendReflect(dst, v.Field(i))
			}
			return append(dst, ')')
		}
		return appendRecord(dst, v)
	}
	return append(dst, v.String()...)
}

// appendRecord renders a record as Name{field:value,...}. The name is the Go type's
// name; a field's name is its `stream` tag, else its `json` tag, else its Go name with
// the first letter in lower case, since generated records export their fields.
func appendRecord(dst []byte, v reflect.Value) []byte {
	t := v.Type()
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	dst = append(dst, name...)
	dst = append(dst, '{')
	for i := range t.NumField() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, fieldName(t.Field(i))...)
		dst = append(dst, ':')
		dst = appendReflect(dst, v.Field(i))
	}
	return append(dst, '}')
}

func fieldName(f reflect.StructField) string {
	for _, key := range [...]string{"stream", "json"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
				return name
			}
		}
	}
	r, n := utf8.DecodeRuneInString(f.Name)
	return string(unicode.ToLower(r)) + f.Name[n:]
}
