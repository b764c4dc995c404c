//! Plain http to a loopback address never goes through a proxy, whichever
//! variable names one (`ALL_PROXY`, `HTTP_PROXY`, in either case). That a
//! proxy is used where it should be is proven in `network.rs`, with an
//! https name tunnelled by CONNECT.

use crate::support::Sandbox;
use crate::support::proxy::Proxy;

#[test]
fn plain_http_to_loopback_never_goes_through_a_proxy() {
    for variable in ["ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"] {
        let mut sandbox = Sandbox::new();
        let proxy = Proxy::start();
        sandbox.set_env(variable, &proxy.url);
        sandbox.link(&["--alias", "prod"]).expect(0);
        sandbox.run(&["token", "prod", "--fresh"]).expect(0);
        sandbox
            .run(&["api", "prod", "/services/data/v62.0/limits"])
            .expect(0);
        sandbox.run(&["revoke", "prod"]).expect(0);
        assert!(
            sandbox.fake.token_requests("authorization_code") == 1
                && sandbox.fake.token_requests("refresh_token") == 1,
            "the calls reached the fake"
        );
        assert!(
            proxy.seen().is_empty(),
            "{variable}: the proxy saw {:?}",
            proxy.seen()
        );
    }
}
