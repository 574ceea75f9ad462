package profile

import "syscall"

// mmapWhole maps a profile.json that is read whole with its pages
// populated at once: one system call instead of a page fault per few pages
// read, which on a virtual machine is most of the cost of reading it.
const mmapWhole = syscall.MAP_SHARED | syscall.MAP_POPULATE
