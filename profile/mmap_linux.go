package profile

import "syscall"

// mmapFlags maps profile.json with its pages populated at once: one system
// call instead of a page fault per few pages read, which on a virtual
// machine is most of the cost of reading it.
const mmapFlags = syscall.MAP_SHARED | syscall.MAP_POPULATE
