// Peak-memory probe for bench/bench.py (Linux).
//
// Runs `maxrss PROGRAM ARGS...` with stdin, stdout and stderr on /dev/null,
// waits for it with wait4(2) and prints "<wait status> <ru_maxrss KiB>".
//
// Why not wait4 from Python directly: Linux folds the RSS high-water mark of
// the memory image a process replaces at execve(2) into its ru_maxrss, and a
// child spawned by Python starts from Python's image (a vfork shares it, a
// fork copies it), so every command would report at least Python's ~20 MiB.
// A child spawned from this small program starts from this program's image,
// so the figure is the command's own peak (or this probe's ~1 MiB, whichever
// is larger).

use std::ffi::{c_int, c_long};
use std::process::{Command, Stdio};

#[repr(C)]
struct Rusage {
    ru_utime: [c_long; 2],
    ru_stime: [c_long; 2],
    ru_maxrss: c_long,
    rest: [c_long; 13],
}

unsafe extern "C" {
    fn wait4(pid: c_int, status: *mut c_int, options: c_int, rusage: *mut Rusage) -> c_int;
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().expect("usage: maxrss PROGRAM [ARGS...]");
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run the program");
    let mut status: c_int = 0;
    let mut usage = Rusage {
        ru_utime: [0; 2],
        ru_stime: [0; 2],
        ru_maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `usage` matches Linux's struct rusage (2 timevals + 14 longs)
    // and outlives the call; the pid is our own unwaited child.
    let pid = unsafe { wait4(child.id() as c_int, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed: {}", std::io::Error::last_os_error());
    println!("{status} {}", usage.ru_maxrss);
}
