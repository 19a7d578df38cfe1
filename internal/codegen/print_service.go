package codegen

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// handlerName is the unexported function that a method's thrift.MethodInfo calls on the server.
func (mm *methodModel) handlerName(svc *serviceModel) string {
	return lowerFirst(svc.goName+mm.goName) + "Handler"
}

func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// serviceLocals are the identifiers the generated client and handler functions declare or use in their
// bodies; a parameter named like one gets a trailing underscore.
var serviceLocals = map[string]bool{
	"ctx": true, "call": true, "ret": true, "err": true, "res": true, "a": true, "handler": true,
	"args": true, "result": true, "p": true, "thrift": true, "errors": true, "sync": true, "context": true,
}

// params returns the Go parameter names of a method's arguments, in the args struct's field order.
func (m *fileModel) params(mm *methodModel) []string {
	names := make([]string, len(mm.args.fields))
	for i, f := range mm.args.fields {
		n := lowerFirst(f.goName)
		for isGoKeyword(n) || serviceLocals[n] || reservedLocal(n) || m.aliasUsed(n) {
			n += "_"
		}
		names[i] = n
	}
	return names
}

// success returns the result's success field (nil for void and oneway methods) and the Go type a
// method returns for it.
func success(mm *methodModel) (*fieldModel, string) {
	if mm.result == nil || len(mm.result.fields) == 0 || mm.result.fields[0].id != 0 {
		return nil, ""
	}
	f := mm.result.fields[0]
	if f.ptr {
		return f, strings.TrimPrefix(f.goType, "*")
	}
	return f, f.goType
}

// exceptions returns the result's declared exception fields.
func exceptions(mm *methodModel) []*fieldModel {
	if mm.result == nil {
		return nil
	}
	var ex []*fieldModel
	for _, f := range mm.result.fields {
		if f.id != 0 {
			ex = append(ex, f)
		}
	}
	return ex
}

// signature returns a method's Go signature after its name: "(ctx context.Context, x int32) (ret T,
// err error)".
func (m *fileModel) signature(mm *methodModel) string {
	var b strings.Builder
	b.WriteString("(ctx context.Context")
	for i, n := range m.params(mm) {
		fmt.Fprintf(&b, ", %s %s", n, mm.args.fields[i].goType)
	}
	b.WriteString(") ")
	if _, rt := success(mm); rt != "" {
		fmt.Fprintf(&b, "(ret %s, err error)", rt)
	} else {
		b.WriteString("(err error)")
	}
	return b.String()
}

// printService prints what a service needs in the types package: the handler interface, the typed
// client over a thrift.Caller, and the server-side handler functions its ServiceInfo names.
func (m *fileModel) printService(p *printer, svc *serviceModel) {
	name := svc.goName
	if svc.src.Doc != "" {
		p.comment(svc.src.Doc)
		p.P("//")
	}
	p.Pf("// %s is the handler interface of service %s: a server calls it for each request, and %sClient", name, svc.src.Name, name)
	p.P("// implements it by calling a remote server.")
	p.Pf("type %s interface {", name)
	if svc.baseGo != "" {
		p.P(svc.baseGo)
	}
	for _, mm := range svc.methods {
		if mm.fn.Doc != "" {
			p.comment(mm.fn.Doc)
		}
		p.Pf("%s%s", mm.goName, m.signature(mm))
	}
	p.P("}")
	p.P()

	p.Pf("// %sClient calls service %s through a thrift.Caller, usually a *client.Client built with", name, svc.src.Name)
	p.Pf("// %sServiceInfo (the generated sub-package's NewClient does that). It is safe for concurrent use.", name)
	p.Pf("type %sClient struct {", name)
	if svc.baseGo != "" {
		p.P("*" + svc.baseClientGo)
	}
	p.P("c thrift.Caller")
	p.P("}")
	p.P()
	p.Pf("// New%sClient returns the client of service %s that makes its calls through c.", name, svc.src.Name)
	p.Pf("func New%sClient(c thrift.Caller) *%sClient {", name, name)
	if svc.baseGo != "" {
		field := svc.baseClientGo[strings.LastIndexByte(svc.baseClientGo, '.')+1:]
		p.Pf("return &%sClient{%s: %s(c), c: c}", name, field, svc.baseNewGo)
	} else {
		p.Pf("return &%sClient{c: c}", name)
	}
	p.P("}")
	p.P()
	for _, mm := range svc.methods {
		m.printClientMethod(p, svc, mm)
	}
	for _, mm := range svc.methods {
		m.printHandler(p, svc, mm)
	}
}

func (m *fileModel) printClientMethod(p *printer, svc *serviceModel, mm *methodModel) {
	callType := lowerFirst(svc.goName+mm.goName) + "Call"
	p.Pf("// %s holds the args and result of one %s call, pooled across calls.", callType, mm.fn.Name)
	p.Pf("type %s struct {", callType)
	p.Pf("args %s", mm.args.goName)
	if mm.result != nil {
		p.Pf("result %s", mm.result.goName)
	}
	p.P("}")
	p.P()
	p.Pf("var %ss = sync.Pool{New: func() any { return new(%s) }}", callType, callType)
	p.P()
	if mm.fn.Oneway {
		p.Pf("// %s calls %s (oneway): it returns once the request is sent.", mm.goName, mm.fn.Name)
	} else {
		p.Pf("// %s calls %s.", mm.goName, mm.fn.Name)
	}
	p.Pf("func (p *%sClient) %s%s {", svc.goName, mm.goName, m.signature(mm))
	p.Pf("call := %ss.Get().(*%s)", callType, callType)
	for i, n := range m.params(mm) {
		p.Pf("call.args.%s = %s", mm.args.fields[i].goName, n)
	}
	if mm.result == nil {
		p.Pf("err = p.c.Call(ctx, %q, &call.args, nil)", mm.fn.Name)
		p.Pf("*call = %s{}", callType)
		p.Pf("%ss.Put(call)", callType)
		p.P("return err")
		p.P("}")
		p.P()
		return
	}
	p.Pf("err = p.c.Call(ctx, %q, &call.args, &call.result)", mm.fn.Name)
	sf, _ := success(mm)
	if sf == nil && len(exceptions(mm)) == 0 {
		p.Pf("*call = %s{}", callType)
		p.Pf("%ss.Put(call)", callType)
		p.P("return err")
		p.P("}")
		p.P()
		return
	}
	p.P("res := call.result")
	p.Pf("*call = %s{}", callType)
	p.Pf("%ss.Put(call)", callType)
	retPrefix := ""
	if sf != nil {
		retPrefix = "ret, "
	}
	p.P("if err != nil {")
	p.P("return")
	p.P("}")
	for _, f := range exceptions(mm) {
		p.Pf("if res.%s != nil {", f.goName)
		p.Pf("return %sres.%s", retPrefix, f.goName)
		p.P("}")
	}
	if sf != nil {
		p.Pf("if res.%s == nil {", sf.goName)
		p.Pf("return ret, thrift.NewApplicationException(thrift.MissingResult, %q)", mm.fn.Name+" failed: unknown result")
		p.P("}")
		if sf.ptr {
			p.Pf("return *res.%s, nil", sf.goName)
		} else {
			p.Pf("return res.%s, nil", sf.goName)
		}
	} else {
		p.P("return nil")
	}
	p.P("}")
	p.P()
}

func (m *fileModel) printHandler(p *printer, svc *serviceModel, mm *methodModel) {
	p.Pf("// %s serves %s: the thrift.MethodInfo Handler of %sServiceInfo.", mm.handlerName(svc), mm.fn.Name, svc.goName)
	p.Pf("func %s(ctx context.Context, handler any, args, result thrift.FastCodec) error {", mm.handlerName(svc))
	if len(mm.args.fields) > 0 {
		p.Pf("a := args.(*%s)", mm.args.goName)
	}
	var call strings.Builder
	fmt.Fprintf(&call, "handler.(%s).%s(ctx", svc.goName, mm.goName)
	for _, f := range mm.args.fields {
		fmt.Fprintf(&call, ", a.%s", f.goName)
	}
	call.WriteString(")")
	if mm.result == nil {
		p.P("return " + call.String())
		p.P("}")
		p.P()
		return
	}
	sf, _ := success(mm)
	if sf != nil {
		p.Pf("ret, err := %s", call.String())
	} else {
		p.Pf("err := %s", call.String())
	}
	p.P("if err != nil {")
	if ex := exceptions(mm); len(ex) > 0 {
		m.usesErrors = true
		p.Pf("res := result.(*%s)", mm.result.goName)
		for i, f := range ex {
			p.Pf("var e%d %s", i, f.goType)
			p.Pf("if errors.As(err, &e%d) {", i)
			p.Pf("res.%s = e%d", f.goName, i)
			p.P("return nil")
			p.P("}")
		}
	}
	p.P("return err")
	p.P("}")
	if sf != nil {
		if sf.ptr {
			p.Pf("result.(*%s).%s = &ret", mm.result.goName, sf.goName)
		} else {
			p.Pf("result.(*%s).%s = ret", mm.result.goName, sf.goName)
		}
	}
	p.P("return nil")
	p.P("}")
	p.P()
}

// printReset prints Reset for a service's args or result struct, which the client and server pool.
func (m *fileModel) printReset(p *printer, s *structModel) {
	p.Pf("// Reset clears p for reuse, as New%s would return it.", s.goName)
	p.Pf("func (p *%s) Reset() {", s.goName)
	if s.hasDefault {
		p.Pf("*p = *New%s()", s.goName)
	} else {
		p.Pf("*p = %s{}", s.goName)
	}
	p.P("}")
	p.P()
}

// serviceFile prints the sub-package of one service: Client, NewClient and NewServer over the types
// package's code.
func serviceFile(m *fileModel, svc *serviceModel) (dir, name string, src []byte) {
	sub := packageName(strings.ToLower(svc.goName))
	typesPkg := m.pkg.name
	alias := typesPkg
	if alias == "client" || alias == "server" || alias == sub {
		alias += "types"
	}
	info := alias + "." + svc.goName + "ServiceInfo"
	p := &printer{}
	p.P(Header)
	p.P("// source: ", path.Base(m.doc.Path))
	p.P()
	p.Pf("// Package %s is the client and the server of service %s; its types and handler interface", sub, svc.src.Name)
	p.Pf("// are in package %s.", typesPkg)
	p.P("package ", sub)
	p.P()
	p.P("import (")
	p.P(`"github.com/kestrel-rpc/kestrel/client"`)
	p.P(`"github.com/kestrel-rpc/kestrel/server"`)
	p.Pf("%s %q", alias, m.pkg.importPath)
	p.P(")")
	p.P()
	p.Pf("// Client calls service %s. It is safe for concurrent use; Close releases its connections.", svc.src.Name)
	p.P("type Client interface {")
	p.Pf("%s.%s", alias, svc.goName)
	p.P("// Close closes the client's idle connections; calls made after it fail.")
	p.P("Close() error")
	p.P("}")
	p.P()
	p.Pf("// NewClient returns a Client of service %s. destService names the service called (it travels in", svc.src.Name)
	p.P("// TTHeader); opts set the addresses, transport, protocol, timeouts, pool and middleware.")
	p.P("func NewClient(destService string, opts ...client.Option) (Client, error) {")
	p.Pf("c, err := client.New(%s, append([]client.Option{client.WithDestService(destService)}, opts...)...)", info)
	p.P("if err != nil {")
	p.P("return nil, err")
	p.P("}")
	p.Pf("return &kClient{%sClient: %s.New%sClient(c), c: c}, nil", svc.goName, alias, svc.goName)
	p.P("}")
	p.P()
	p.Pf("type kClient struct {")
	p.Pf("*%s.%sClient", alias, svc.goName)
	p.P("c *client.Client")
	p.P("}")
	p.P()
	p.P("func (k *kClient) Close() error { return k.c.Close() }")
	p.P()
	p.Pf("// NewServer returns a server that serves handler as service %s; start it with Run or Serve and", svc.src.Name)
	p.P("// stop it with Shutdown. handler must not be nil.")
	p.Pf("func NewServer(handler %s.%s, opts ...server.Option) *server.Server {", alias, svc.goName)
	p.P("s := server.New(opts...)")
	p.Pf("if err := s.RegisterService(%s, handler); err != nil {", info)
	p.P("panic(err) // only a nil handler gets here: a new server accepts any generated service")
	p.P("}")
	p.P("return s")
	p.P("}")
	return path.Join(m.pkg.dir, sub), sub + ".kestrel.go", p.buf.Bytes()
}
