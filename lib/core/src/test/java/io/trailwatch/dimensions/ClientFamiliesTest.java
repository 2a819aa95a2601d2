package io.trailwatch.dimensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientFamiliesTest {
  static final ClientFamilies SHIPPED = ClientFamilies.shipped();

  /** userAgent, family: shapes seen in CloudTrail. */
  static final String[][] REAL = {
      {"aws-cli/1.22.34 Python/3.9.2 Linux/5.15.0-1019-aws botocore/1.23.34", "aws-cli"},
      {"aws-cli/2.13.0 Python/3.11.4 Darwin/22.6.0 exe/x86_64 prompt/off", "aws-cli"},
      {"aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.3.0 md/arch#arm64 lang/python#3.11.8 "
          + "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#s3.ls", "aws-cli"},
      {"aws-cli/2.15.0 Python/3.11.6 Linux/4.14.255-322-252.538.amzn2.x86_64 exec-env/CloudShell "
          + "exe/x86_64.amzn.2 prompt/off command/ec2.describe-instances", "aws-cli"},
      {"Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.192-183.736.amzn2.x86_64 md/arch#x86_64 "
          + "lang/python#3.11.5 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57", "Boto3"},
      {"Boto3/1.17.112 Python/3.8.10 Linux/5.4.0-1045-aws Botocore/1.20.112", "Boto3"},
      {"Botocore/1.29.165 Python/3.9.16 Linux/5.10.178-162.673.amzn2.x86_64 exec-env/AWS_Lambda_python3.9",
          "Boto3"},
      {"aws-sdk-java/1.12.529 Linux/5.10.186-179.751.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS "
          + "java/17.0.8 vendor/Amazon.com_Inc. cfg/retry-mode/standard", "aws-sdk-java"},
      {"aws-sdk-java/2.20.162 Linux/5.15.0-1045-aws OpenJDK_64-Bit_Server_VM/17.0.8.1+1 Java/17.0.8.1 "
          + "vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/legacy", "aws-sdk-java"},
      {"aws-sdk-java/2.25.11 md/io#sync md/http#Apache ua/2.0 os/Linux#6.1.79 lang/java#17.0.10 "
          + "md/OpenJDK_64-Bit_Server_VM#17.0.10+7-LTS md/vendor#Amazon.com_Inc. md/en_US cfg/retry-mode#legacy",
          "aws-sdk-java"},
      {"Hadoop 3.3.6, aws-sdk-java/1.12.367 Linux/5.10 OpenJDK_64-Bit_Server_VM/25.372-b07 java/1.8.0_372 "
          + "scala/2.12.15 vendor/Amazon.com_Inc. cfg/retry-mode/legacy", "aws-sdk-java"},
      {"aws-sdk-go/1.44.334 (go1.20.7; linux; amd64)", "aws-sdk-go"},
      {"aws-sdk-go/1.45.1 (go1.21.0; linux; amd64) exec-env/AWS_Lambda_go1.x", "aws-sdk-go"},
      {"aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.22.0", "aws-sdk-go"},
      {"aws-sdk-js/3.421.0 ua/2.0 os/linux#5.10.192 lang/js md/nodejs#18.18.0 api/s3#3.421.0", "aws-sdk-js"},
      {"aws-sdk-nodejs/2.1472.0 linux/v18.18.0 exec-env/AWS_Lambda_nodejs18.x", "aws-sdk-js"},
      {"aws-sdk-dotnet-coreclr/3.7.200.5 aws-sdk-dotnet-core/3.7.200.5 .NET_Core/6.0.21 "
          + "OS/Microsoft_Windows_10.0.19045 ClientAsync", "aws-sdk-dotnet"},
      {"aws-sdk-dotnet-45/3.3.110.0 aws-sdk-dotnet-core/3.3.107.0 .NET_Runtime/4.0 .NET_Framework/4.0 "
          + "OS/Microsoft_Windows_NT_6.2.9200.0 ClientSync", "aws-sdk-dotnet"},
      {"aws-sdk-ruby3/3.181.0 ruby/3.2.2 x86_64-linux aws-sdk-s3/1.134.0", "aws-sdk-ruby"},
      {"aws-sdk-ruby2/2.11.632 ruby/2.7.8 x86_64-linux", "aws-sdk-ruby"},
      {"aws-sdk-php/3.281.11 OS/Linux/5.15.0 lang/php/8.2.10 GuzzleHttp/7", "aws-sdk-php"},
      {"aws-sdk-rust/0.56.1 os/linux lang/rust/1.72.0", "aws-sdk-rust"},
      {"console.amazonaws.com", "console"},
      {"signin.amazonaws.com", "console"},
      {"[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.1]", "console"},
      {"[S3Console/0.4]", "console"},
      {"AWSConsole", "console"},
      {"APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.17.0 "
          + "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1",
          "Terraform"},
      {"aws-sdk-go/1.44.122 (go1.19.3; linux; amd64) APN/1.0 HashiCorp/1.0 Terraform/1.3.7 "
          + "(+https://www.terraform.io) terraform-provider-aws/4.50.0 "
          + "(+https://registry.terraform.io/providers/hashicorp/aws)", "Terraform"},
      {"AWS Internal", "AWS Internal"},
      {"aws-internal/3 aws-sdk-java/1.12.470 Linux/5.10.178 OpenJDK_64-Bit_Server_VM/25.372-b08 "
          + "java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard", "AWS Internal"},
      {"cloudformation.amazonaws.com", "aws-service"},
      {"ec2.amazonaws.com", "aws-service"},
      {"lambda.amazonaws.com", "aws-service"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
          + "Chrome/119.0.0.0 Safari/537.36", "browser"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0", "browser"},
      {"[Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Safari/537.36]",
          "browser"},
      {"python-requests/2.31.0", "python-requests"},
      {"python-requests/2.28.1", "python-requests"},
      {"curl/8.4.0", "curl"},
      {"curl/7.81.0", "curl"},
      {"Wget/1.21.2", "wget"},
      {"Go-http-client/1.1", "Go-http-client"},
      {"Go-http-client/2.0", "Go-http-client"},
      {"okhttp/4.12.0", "okhttp"},
      {"PostmanRuntime/7.35.0", "PostmanRuntime"},
      {"Boto3/1.26.0 Python/3.11.2 Linux/6.1.0-kali7-amd64 Botocore/1.29.0", "pentest-os"},
      {"aws-cli/1.22.34 Python/3.9.2 Linux/5.18.0-kali5-amd64 botocore/1.23.34", "pentest-os"},
      {"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.7 "
          + "Botocore/1.34.0", "pentest-os"},
      {"aws-cli/2.9.19 Python/3.9.16 Linux/5.16.0-12parrot1-amd64 exe/x86_64.parrot.5 prompt/off", "pentest-os"},
      {"Boto3/1.28.16 md/Botocore#1.31.16 ua/2.0 os/linux#6.2.0 md/arch#x86_64 lang/python#3.11.4 "
          + "md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.31.16 APN_1826889", "Prowler"},
      {"Scout Suite/5.14.0 Python/3.10.12 Linux/5.15.0-91-generic Botocore/1.31.0 Scout Suite/5.14.0 "
          + "(https://github.com/nccgroup/ScoutSuite)", "ScoutSuite"},
  };

  @Test
  void realUserAgentsGetTheirFamily() {
    List<String> wrong = new ArrayList<>();
    for (String[] row : REAL) {
      String got = SHIPPED.familyOf(row[0]);
      if (!got.equals(row[1])) {
        wrong.add(row[0] + " -> " + got + ", expected " + row[1]);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void everyShippedFamilyHasARealExample() {
    Set<String> shipped = new TreeSet<>();
    SHIPPED.rules().forEach(r -> shipped.add(r.family()));
    Set<String> tested = new TreeSet<>();
    for (String[] row : REAL) {
      tested.add(row[1]);
    }
    shipped.removeAll(tested);
    assertEquals(Set.of("aws-sdk-cpp", "aws-sdk-kotlin", "aws-sdk-swift"), shipped);
  }

  @Test
  void laptopChangeKeepsTheFamily() {
    assertEquals("aws-cli", SHIPPED.familyOf("aws-cli/2.13.0 Python/3.11.4 Darwin/22.6.0 exe/x86_64 prompt/off"));
    assertEquals("aws-cli", SHIPPED.familyOf(
        "aws-cli/2.15.30 Python/3.11.8 Windows/10 exe/AMD64 prompt/off command/s3.ls"));
  }

  @Test
  void terraformWinsOverTheSdkItEmbeds() {
    assertEquals("aws-sdk-go", SHIPPED.familyOf("aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1"));
    assertEquals("Terraform", SHIPPED.familyOf("aws-sdk-go-v2/1.21.0 os/linux Terraform/1.5.7"));
  }

  @Test
  void missingIsUnknownAndUnmatchedIsOther() {
    assertEquals("unknown", SHIPPED.familyOf(null));
    assertEquals("unknown", SHIPPED.familyOf(""));
    assertEquals("unknown", SHIPPED.familyOf("   "));
    assertEquals("unknown", SHIPPED.familyOf(" \t\r\n "));
    assertEquals("other", SHIPPED.familyOf("((( ;;; ,,, ))) [ ]"));
    assertEquals("other", SHIPPED.familyOf("my-own-script/1.0"));
    assertEquals("other", SHIPPED.familyOf("evil.example.com"));
  }

  @Test
  void familyNameInsideALongerTokenDoesNotMatch() {
    assertEquals("other", SHIPPED.familyOf("xaws-cli/2.0"));
    assertEquals("other", SHIPPED.familyOf("myBoto3fork/1"));
    assertEquals("other", SHIPPED.familyOf("aws-cli2/1.0"));
    assertEquals("other", SHIPPED.familyOf("curly/1.0"));
    assertEquals("other", SHIPPED.familyOf("a.console.amazonaws.com.evil"));
    assertEquals("aws-cli", SHIPPED.familyOf("Aws-Cli/2.0"), "names ignore case");
    assertEquals("aws-cli", SHIPPED.familyOf("aws-cli"), "a name without a version");
  }

  @Test
  void controlCharactersSeparateTokensAndMatchNothing() {
    assertEquals("other", SHIPPED.familyOf("\0\0\0\0"));
    assertEquals("other", SHIPPED.familyOf("\u0001\u0002\u001b[31m\u007f"));
    assertEquals("other", SHIPPED.familyOf("\uFFFD\uFFFD\uFFFD"));
    assertEquals("other", SHIPPED.familyOf("aws-cli\uFFFD/2.0"));
    assertEquals("aws-cli", SHIPPED.familyOf("aws-cli/2.0\0Python/3.11"));
    assertEquals("aws-cli", SHIPPED.familyOf("\u0007aws-cli/2.0\u001b"));
  }

  @Test
  void longInputIsReadOnlyToItsFirst1024Characters() {
    Random random = new Random(42);
    StringBuilder junk = new StringBuilder();
    while (junk.length() < 30_000) {
      junk.append((char) random.nextInt(0x3000));
    }
    String randomUa = junk.toString();
    assertEquals(SHIPPED.familyOf(randomUa.substring(0, 1024)), SHIPPED.familyOf(randomUa));

    String familyAtTheEnd = "x".repeat(29_000) + " aws-cli/2.15.30 Python/3.11.8";
    assertEquals("other", SHIPPED.familyOf(familyAtTheEnd));

    String familyFirst = "aws-cli/2.15.30 " + "x".repeat(30_000);
    assertEquals("aws-cli", SHIPPED.familyOf(familyFirst));

    String cutThrough = "x".repeat(1019) + " aws-cli/2.0";
    assertEquals("other", SHIPPED.familyOf(cutThrough), "the token is cut to 'aws-'");
    assertEquals(SHIPPED.familyOf(cutThrough.substring(0, 1024)), SHIPPED.familyOf(cutThrough));

    assertEquals("unknown", SHIPPED.familyOf(" ".repeat(30_000)));
    assertEquals("other", SHIPPED.familyOf(";".repeat(30_000)));
  }

  @Test
  void onlyTheFirst48TokensAreRead() {
    assertEquals("aws-cli", SHIPPED.familyOf("x/1 ".repeat(47) + "aws-cli/2.0"));
    assertEquals("other", SHIPPED.familyOf("x/1 ".repeat(48) + "aws-cli/2.0"));
    assertEquals("other", SHIPPED.familyOf("a ".repeat(10_000) + "aws-cli/2.0"));
    assertEquals("aws-cli", SHIPPED.familyOf("aws-cli/2.0 " + "a ".repeat(10_000)));
  }

  @Test
  void firstRuleInFileOrderWins() {
    String ua = "alpha/1 beta/2";
    assertEquals("A", ClientFamilies.parse("A\ttoken\talpha\nB\ttoken\tbeta\n").familyOf(ua));
    assertEquals("B", ClientFamilies.parse("B\ttoken\tbeta\nA\ttoken\talpha\n").familyOf(ua));
    assertEquals("B", ClientFamilies.parse("B\tcontains\tet\nA\ttoken\talpha\n").familyOf(ua));
    assertEquals("W", ClientFamilies.parse("W\twhole\tALPHA/1 BETA/2\nA\ttoken\talpha\n").familyOf(ua));
  }

  @Test
  void eachMatchKindDoesWhatTheHeaderSays() {
    ClientFamilies table = ClientFamilies.parse(String.join("\n",
        "# a comment",
        "",
        "W\twhole\tJust This",
        "T\ttoken\tname",
        "C\tcontains\t-marker",
        "H\thost-suffix\t.example.com",
        ""));
    assertEquals(4, table.rules().size());
    assertEquals("W", table.familyOf("  just this "));
    assertEquals("other", table.familyOf("just this and more"));
    assertEquals("T", table.familyOf("(name/1.0)"));
    assertEquals("other", table.familyOf("names/1.0"));
    assertEquals("C", table.familyOf("os/6.1-MARKER9"));
    assertEquals("H", table.familyOf("api.example.com"));
    assertEquals("other", table.familyOf("api example.com"));
    assertEquals("other", table.familyOf(".example.com"));
    assertEquals("other", table.familyOf("x".repeat(65) + ".example.com"));
  }

  @Test
  void windowsLineEndsAndAByteOrderMarkAreRead() {
    ClientFamilies table = ClientFamilies.parse("\uFEFF# header\r\nA\ttoken\talpha\r\n");
    assertEquals("A", table.familyOf("alpha/1"));
  }

  @Test
  void badTableNamesTheLine() {
    assertBad("# header\nA\ttoken\talpha\nB\tregex\t.*\n", "line 3");
    assertBad("A\ttoken\n", "line 1");
    assertBad("A\ttoken\talpha\textra\n", "line 1");
    assertBad("\n\nA\ttoken\t\n", "line 3");
    assertBad("\ttoken\talpha\n", "line 1");
    assertBad("A\ttoken\taws cli\n", "line 1");
    assertBad("A\ttoken\taws-cli/2\n", "line 1");
    assertBad("A\thost-suffix\tamazonaws.com\n", "line 1");
  }

  static void assertBad(String tsv, String where) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClientFamilies.parse(tsv));
    assertTrue(e.getMessage().contains(where), e.getMessage());
  }

  @Test
  void shippedTableIsLoadedOnce() {
    assertSame(ClientFamilies.shipped(), ClientFamilies.shipped());
    assertTrue(SHIPPED.rules().size() > 20);
  }

  @Test
  void sharedTableGivesTheSameAnswersFromManyThreads() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          String[] row = REAL[i % REAL.length];
          if (!SHIPPED.familyOf(row[0]).equals(row[1])) {
            wrong.add(row[0]);
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), wrong);
  }
}
