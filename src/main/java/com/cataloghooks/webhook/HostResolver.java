package com.cataloghooks.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves webhook hosts with the system resolver (and its cache); blocks. A bean so tests can answer for DNS. */
@ApplicationScoped
public class HostResolver {

    public InetAddress[] resolve(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}
