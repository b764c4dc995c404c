//! `sfconnect link`, in named parts: the browser's web server flow, logins
//! where no browser can open (paste-back), the device flow, the forgiving
//! login hosts, and the loopback listener's ports, Host check and Ctrl-C.

mod device_flow;
mod headless;
mod hosts;
mod listener;
mod web_server_flow;
