package dev.arca.attestation.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasurementTest {
    private static final dev.arca.host.Host HOST = new dev.arca.host.LinuxHost();
    private static final byte[] MANIFEST = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ENTRY = {0, 'a', 's', 'm'};

    @Test
    void imagesEnterTheMeasurementInPathOrder() throws Exception {
        Measurement none = Measurement.of(HOST, List.of(), MANIFEST, ENTRY);
        assertEquals(none, Measurement.of(HOST, List.of(), MANIFEST, ENTRY, Map.of()), "no images: as before");
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("/a", "11".repeat(32));
        ab.put("/b", "22".repeat(32));
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("/b", "22".repeat(32));
        ba.put("/a", "11".repeat(32));
        Measurement m1 = Measurement.of(HOST, List.of(), MANIFEST, ENTRY, ab);
        assertEquals(m1.measurement(), Measurement.of(HOST, List.of(), MANIFEST, ENTRY, ba).measurement(), "order-independent");
        assertNotEquals(none.measurement(), m1.measurement());
        ab.put("/b", "33".repeat(32));
        assertNotEquals(m1.measurement(), Measurement.of(HOST, List.of(), MANIFEST, ENTRY, ab).measurement(), "a changed image changes it");
    }
}
