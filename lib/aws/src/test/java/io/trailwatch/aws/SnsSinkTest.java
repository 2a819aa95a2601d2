package io.trailwatch.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.delivery.Backoff;
import io.trailwatch.delivery.DeliveryOutcome;
import io.trailwatch.delivery.DeliveryStatus;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SyntheticAlerts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** {@link SnsSink} on moto_server: a topic with an SQS subscription, read back message by message. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SnsSinkTest {
  @RegisterExtension
  static final MotoServer MOTO = new MotoServer();
  static final ObjectMapper JSON = new ObjectMapper();

  final AtomicInteger publishCalls = new AtomicInteger();
  final List<Duration> waits = new ArrayList<>();
  SnsClient sns;
  SqsClient sqs;
  String topicArn;
  String queueUrl;

  @BeforeEach
  void topicWithAQueue() {
    sns = AwsClients.build(SnsClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
            publishCalls.incrementAndGet();
          }
        })), MOTO.endpoint(), "us-east-1", false);
    sqs = AwsClients.build(SqsClient.builder(), MOTO.endpoint(), "us-east-1", true);
    String name = "alerts-" + UUID.randomUUID().toString().substring(0, 8);
    topicArn = sns.createTopic(b -> b.name(name)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    publishCalls.set(0);
  }

  @AfterEach
  void close() {
    sns.close();
    sqs.close();
  }

  SnsSink sink(SnsClient client, String arn, int attempts) {
    return new SnsSink(client, arn, new Backoff(attempts, Duration.ofMillis(1), Duration.ofMillis(10), waits::add),
        Clock.systemUTC());
  }

  /** Every SNS envelope in the queue, waiting until {@code expected} arrived or nothing more comes. */
  List<JsonNode> drain(int expected) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    for (int empty = 0; empty < 3 && got.size() <= expected; ) {
      List<Message> ms = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages();
      if (ms.isEmpty()) {
        empty += got.size() >= expected ? 3 : 1;
      }
      for (Message m : ms) {
        got.add(JSON.readTree(m.body()));
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    }
    return got;
  }

  static Map<DeliveryStatus, Long> statuses(List<DeliveryOutcome> out) {
    return new TreeMap<>(out.stream().collect(Collectors.groupingBy(DeliveryOutcome::status, Collectors.counting())));
  }

  @Test
  void everyAlertArrivesOnceWithItsAttributes() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(25);
    List<DeliveryOutcome> out = sink(sns, topicArn, 3).send(alerts);
    assertEquals(alerts.stream().map(Alert::alertId).toList(), out.stream().map(DeliveryOutcome::alertId).toList());
    assertEquals(Map.of(DeliveryStatus.SENT, 25L), statuses(out));
    assertEquals(3, publishCalls.get(), "PublishBatch, 10 a call");
    Map<String, String> expected = new TreeMap<>();
    for (Alert a : alerts) {
      expected.put(AlertJson.toJson(a), "severity=" + a.severity().label() + " account_id=" + a.accountId()
          + " business_unit=" + a.businessUnit());
    }
    Map<String, String> got = new TreeMap<>();
    for (JsonNode n : drain(25)) {
      JsonNode attrs = n.path("MessageAttributes");
      String was = got.put(n.path("Message").asText(), "severity=" + attr(attrs, "severity") + " account_id="
          + attr(attrs, "account_id") + " business_unit=" + attr(attrs, "business_unit"));
      assertEquals(null, was, "a message arrived twice");
    }
    assertEquals(expected, got);
  }

  private static String attr(JsonNode attrs, String name) {
    assertEquals("String", attrs.path(name).path("Type").asText(), name);
    return attrs.path(name).path("Value").asText();
  }

  @Test
  void entriesThatFailForAPassingReasonAreRetriedAlone() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(10);
    List<DeliveryOutcome> out = sink(new FirstEntryFailsOnce(sns, false), topicArn, 3).send(alerts);
    assertEquals(Map.of(DeliveryStatus.SENT, 10L), statuses(out));
    assertEquals(2, out.get(0).attempts());
    assertEquals(1, out.get(1).attempts());
    assertEquals(10, drain(10).size(), "ten messages, none twice");
    assertEquals(1, waits.size());
  }

  @Test
  void entriesFailedByTheSendersFaultAreFailedWithoutRetry() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(10);
    List<DeliveryOutcome> out = sink(new FirstEntryFailsOnce(sns, true), topicArn, 3).send(alerts);
    assertEquals(Map.of(DeliveryStatus.FAILED, 1L, DeliveryStatus.SENT, 9L), statuses(out));
    assertEquals(DeliveryOutcome.failed(alerts.get(0).alertId(), "sns", 1, out.get(0).lastAttempt(),
        "PublishBatch to " + topicArn + ": entry failed: InvalidParameter: refused"), out.get(0));
    assertEquals(9, drain(9).size());
    assertEquals(List.of(), waits);
  }

  @Test
  void aCallRefusedForAClientErrorIsFailedWithoutRetry() {
    String fifo = sns.createTopic(b -> b.name("alerts-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo")
        .attributes(Map.of("FifoTopic", "true"))).topicArn();
    publishCalls.set(0);
    List<DeliveryOutcome> out = sink(sns, fifo, 3).send(SyntheticAlerts.of(4));
    assertEquals(Map.of(DeliveryStatus.FAILED, 4L), statuses(out));
    assertEquals(1, publishCalls.get());
    assertTrue(out.get(0).reason().startsWith("PublishBatch to " + fifo + ": InvalidParameter (HTTP 400)"),
        out.get(0).reason());
  }

  @Test
  void aMissingTopicFailsEveryAlertAfterOneCall() {
    String missing = topicArn + "-gone";
    List<DeliveryOutcome> out = sink(sns, missing, 3).send(SyntheticAlerts.of(25));
    assertEquals(Map.of(DeliveryStatus.FAILED, 25L), statuses(out));
    assertEquals(1, publishCalls.get());
    assertTrue(out.get(0).reason().startsWith("PublishBatch to " + missing + ": NotFound (HTTP 404)"),
        out.get(0).reason());
    assertEquals("not sent: the topic refused an earlier batch: " + out.get(0).reason(), out.get(24).reason());
  }

  @Test
  void snsUnreachableLeavesEveryAlertPendingAfterOneBatchsAttempts() throws Exception {
    String nowhere;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nowhere = "http://127.0.0.1:" + s.getLocalPort();
    }
    try (SnsClient down = AwsClients.build(SnsClient.builder(), nowhere, "us-east-1", false)) {
      List<DeliveryOutcome> out = sink(down, topicArn, 3).send(SyntheticAlerts.of(25));
      assertEquals(Map.of(DeliveryStatus.PENDING, 25L), statuses(out));
      assertEquals(3, out.get(0).attempts());
      assertTrue(out.get(0).reason().endsWith("(gave up after 3 attempts)"), out.get(0).reason());
      assertEquals(0, out.get(24).attempts());
      assertEquals(2, waits.size(), "the first batch's retries only");
    }
  }

  @Test
  void anAlertTooLargeForSnsIsFailedAndTheOthersSent() throws Exception {
    List<Alert> alerts = new ArrayList<>(SyntheticAlerts.of(3));
    alerts.add(1, SyntheticAlerts.alert(77, 1500));
    List<DeliveryOutcome> out = sink(sns, topicArn, 3).send(alerts);
    assertEquals(DeliveryStatus.FAILED, out.get(1).status());
    assertTrue(out.get(1).reason().matches("not sent: its SNS message is \\d+ bytes, more than SNS allows "
        + "\\(262144\\)"), out.get(1).reason());
    assertEquals(Map.of(DeliveryStatus.FAILED, 1L, DeliveryStatus.SENT, 3L), statuses(out));
    assertEquals(3, drain(3).size());
  }

  /**
   * The real client, except that the first PublishBatch keeps its first entry back (not
   * published) and reports it failed: by SNS's fault (an internal error) or by the sender's.
   */
  static final class FirstEntryFailsOnce implements SnsClient {
    private final SnsClient real;
    private final boolean senderFault;
    private boolean failed;

    FirstEntryFailsOnce(SnsClient real, boolean senderFault) {
      this.real = real;
      this.senderFault = senderFault;
    }

    @Override
    public PublishBatchResponse publishBatch(Consumer<PublishBatchRequest.Builder> request) {
      PublishBatchRequest r = PublishBatchRequest.builder().applyMutation(request).build();
      if (failed) {
        return real.publishBatch(r);
      }
      failed = true;
      List<PublishBatchRequestEntry> entries = r.publishBatchRequestEntries();
      PublishBatchResponse rest = real.publishBatch(r.toBuilder().publishBatchRequestEntries(entries.subList(1,
          entries.size())).build());
      return rest.toBuilder().failed(BatchResultErrorEntry.builder().id(entries.get(0).id())
          .code(senderFault ? "InvalidParameter" : "InternalFailure").message(senderFault ? "refused" : "try again")
          .senderFault(senderFault).build()).build();
    }

    @Override
    public String serviceName() {
      return real.serviceName();
    }

    @Override
    public void close() {}
  }
}
