package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for HEC: the JVM's trusted CAs, and those of a PEM bundle besides them (a private CA for the
 * collector, while a public certificate in front of it still verifies). Verification is never
 * turned off.
 */
final class HecTls {
  private HecTls() {}

  /** An SSL context trusting the JVM's CAs and the certificates in {@code pem} (one or more PEM blocks). */
  static SSLContext trusting(Path pem) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pem)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot read hec.ca-bundle %s: no such file", pem);
    } catch (IOException | GeneralSecurityException e) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot read hec.ca-bundle %s as PEM certificates: %s",
          pem, e.getMessage());
    }
    if (certs.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot use hec.ca-bundle %s: it holds no certificate",
          pem);
    }
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      X509TrustManager bundle = x509(ks);
      X509TrustManager jvm = x509(null);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Either(bundle, jvm)}, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot build a TLS context from %s", pem);
    }
  }

  /** The default algorithm's trust manager for a key store ({@code null}: the JVM's cacerts). */
  private static X509TrustManager x509(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("No X.509 trust manager");
  }

  /** Trusts a server chain that either trust manager trusts; the bundle's refusal is reported when both refuse. */
  private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException notByFirst) {
        try {
          second.checkServerTrusted(chain, authType);
        } catch (CertificateException notBySecond) {
          notByFirst.addSuppressed(notBySecond);
          throw notByFirst;
        }
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("HEC TLS is client-side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = first.getAcceptedIssuers();
      X509Certificate[] b = second.getAcceptedIssuers();
      X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
