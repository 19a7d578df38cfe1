// Package idl parses Thrift IDL files into a resolved, checked syntax tree,
// with no external compiler. It is the front end of `kestrel gen`.
//
// Parse reads one file and resolves what it can without other files;
// ParseFile (and ParseFileWithOptions) also loads includes, resolves names
// across files and runs every check. Both return a *Document, the root of the
// tree described in ast.go, and an error that is an *Error or, when several
// problems were found, an ErrorList; each error reads "file:line:col: msg".
// On error the Document returned is as complete as parsing got, for tools
// that want to show what they can; generators should stop.
//
// # Grammar
//
// The parser is a hand-written lexer and recursive-descent parser for the
// IDL of Apache Thrift (0.19 and later):
//
//	Document    = { Header } { Definition [ "," | ";" ] }
//	Header      = "include" Literal | "cpp_include" Literal
//	            | "namespace" ( Identifier | "*" ) Name [ Annotations ]
//	Definition  = "typedef" Type Identifier [ Annotations ]
//	            | "const" Type Identifier "=" ConstValue [ Annotations ]
//	            | "enum" Identifier "{" { Identifier [ "=" IntConst ] [ Annotations ] [ "," | ";" ] } "}" [ Annotations ]
//	            | ( "struct" | "union" | "exception" ) Identifier "{" { Field } "}" [ Annotations ]
//	            | "service" Identifier [ "extends" Identifier ] "{" { Function } "}" [ Annotations ]
//	Field       = [ IntConst ":" ] [ "required" | "optional" ] Type Identifier [ "=" ConstValue ] [ Annotations ] [ "," | ";" ]
//	Function    = [ "oneway" ] ( "void" | Type ) Identifier "(" { Field } ")" [ "throws" "(" { Field } ")" ] [ Annotations ] [ "," | ";" ]
//	Type        = ( BaseType | "list" "<" Type ">" | "set" "<" Type ">" | "map" "<" Type "," Type ">" | Identifier ) [ Annotations ]
//	BaseType    = "bool" | "byte" | "i8" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid"
//	ConstValue  = IntConst | DoubleConst | Literal | Identifier | "true" | "false"
//	            | "[" { ConstValue [ "," | ";" ] } "]" | "{" { ConstValue ":" ConstValue [ "," | ";" ] } "}"
//	Annotations = "(" { Identifier [ "=" Literal ] [ "," | ";" ] } ")"
//
// Identifiers are letters, digits, '_' and '.' (not leading, doubled or
// trailing), so "shared.Foo" and "Enum.VALUE" are single identifiers. A
// namespace Name may also be a path such as example.com/x/echo, or a quoted
// literal. Integers are decimal or 0x hex, optionally signed, and must fit in
// 64 bits; doubles take a fraction and/or an exponent. Literals are quoted
// with '…' or "…", end on their line, and take the escapes \\ \" \' \/ \n \r
// \t \b \f \0 and \uXXXX (with surrogate pairs). Comments are //, # and
// /* */. A /** */ comment, or a run of // comments on the lines directly
// above, is the doc comment of the next element (Doc fields); comments
// trailing a token on its line are not. "async" is read as "oneway", and a
// "cpp_type" literal after a container keyword, or a C++ "&" after a field
// type, becomes a type annotation.
//
// The parser accepts a few things Apache's compiler does not: separators
// after headers, consts that refer to consts declared later, and names that
// Apache reserves because they are keywords in some other target language
// (next, in, ...); Kestrel generates only Go.
// As in Apache, a repeated namespace scope overrides the earlier one and
// enum values need not be distinct. It rejects the deprecated forms with a
// clear error: senum, slist, xsd_* modifiers and the old per-language
// namespace keywords (php_namespace, cpp_namespace, ...).
//
// Fields without an id get -1, -2, ... in order, like Apache assigns them,
// with IDImplicit set; this is accepted silently.
//
// # Checks
//
// After parsing, every name is resolved (Type.Typedef/Enum/Struct/Decl,
// ConstValue.Const/Enum/EnumValue, Service.Base) and these are reported,
// each at the position of the offending element:
//
//   - duplicate declarations, duplicate field ids or names in a struct,
//     argument list or throws list, duplicate enum value names, duplicate
//     functions in a service, two includes with the same prefix;
//   - unknown types, unknown include prefixes, names that are a service or a
//     const where a type is needed, extends of an unknown service;
//   - const and default values that do not fit their type: a literal of the
//     wrong kind, integers out of range for i8/i16/i32, enum values the enum
//     does not have, consts of another type, unknown consts, struct literals
//     naming unknown fields, invalid uuids (an empty {} is accepted for a
//     list or set, as Apache does);
//   - oneway functions with a result or a throws list, throws of a type that
//     is not an exception, unions with a required field;
//   - cycles: typedef cycles, consts that refer to themselves, services that
//     extend themselves, include cycles (with the chain of files).
//
// Recursive types are legal: a struct may contain itself directly or through
// containers and typedefs. Type.Underlying follows typedefs only, so walking
// the tree terminates. Up to 10 syntax errors are reported (parsing resumes
// at the next top-level keyword); semantic checks run only on a document
// without syntax errors. Nesting of types and literals is limited to 100
// levels, so hostile input cannot exhaust the stack.
//
// # Includes
//
// ParseFile loads each include "path" relative to the directory of the
// including file, then from each Options.IncludeDirs entry in order; an
// absolute path is used as is. The include prefix is the file's base name
// without ".thrift" (Include.Name, Document.Name); a name from an included
// file is written prefix.Name, and only directly included files are
// visible. A file included several times is parsed once and shared, so
// pointer comparison of declarations works across files. With Parse,
// includes are recorded with a nil Doc and names through them stay
// unresolved without an error.
//
// # Concurrency
//
// Parse, ParseFile and ParseFileWithOptions keep no shared state and may run
// concurrently. A returned Document is not modified afterwards; readers may
// share it.
package idl
