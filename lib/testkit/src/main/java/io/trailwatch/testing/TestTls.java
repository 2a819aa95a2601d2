package io.trailwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's {@code keytool}: the server side
 * as an SSL context (for {@link HecServer.Builder#tls}) and the certificate as a PEM file, the
 * CA bundle a client must be given to trust it.
 */
public record TestTls(SSLContext serverContext, Path caPem) {
  private static final String PASSWORD = "changeit";

  public static TestTls selfSigned(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Path store = dir.resolve("hec-test.p12");
    Path pem = dir.resolve("hec-test-ca.pem");
    keytool(List.of("-genkeypair", "-alias", "hec", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
    keytool(List.of("-exportcert", "-rfc", "-alias", "hec", "-keystore", store.toString(), "-storepass", PASSWORD,
        "-file", pem.toString()));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TestTls(ctx, pem);
  }

  private static void keytool(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool " + args.get(0) + " failed: " + out);
    }
  }
}
