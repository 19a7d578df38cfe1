package loadgen

var testEngines = []struct {
	name string
	run  engineFunc
}{
	{"epoll", runEpoll},
	{"net", runNet},
}
