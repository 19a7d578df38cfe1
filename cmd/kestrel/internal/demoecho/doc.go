// Package demoecho holds the echo service of `kestrel demo`: echo.thrift and the code kestrel gen made
// of it (package echo: the types and the handler interface; echo/echoservice: NewClient, NewServer).
package demoecho

//go:generate go run github.com/kestrel-rpc/kestrel/cmd/kestrel gen -out . -module github.com/kestrel-rpc/kestrel/cmd/kestrel/internal/demoecho -protocol both echo.thrift
