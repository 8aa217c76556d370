package io.certstream.plugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one wording of config problems, for the hub's keys and plugins' alike. */
class ConfigValuesTest {
    private static String problem(Supplier<?> check) {
        return assertThrows(ConfigValues.Problem.class, check::get).getMessage();
    }

    @Test
    void valuesOfTheRightKindPass() {
        assertEquals("x", ConfigValues.string("x"));
        assertEquals(true, ConfigValues.bool(true));
        assertEquals(8080, ConfigValues.integer(8080, 0, 65535));
        assertEquals(8080, ConfigValues.integer(8080.0, 0, 65535), "a JSON number without fraction is an integer");
        assertEquals(0.5, ConfigValues.decimal(0.5, 0.1, 3600));
    }

    @Test
    void problemsSayWhatIsWrongAndWhatWasGiven() {
        assertEquals("must be a string, got 42", problem(() -> ConfigValues.string(42)));
        assertEquals("must be true or false, got \"yes\"", problem(() -> ConfigValues.bool("yes")));
        assertEquals("must be an integer, got 1.5", problem(() -> ConfigValues.integer(1.5, 0, 10)));
        assertEquals("must be an integer, got \"80\"", problem(() -> ConfigValues.integer("80", 0, 10)));
        assertEquals("must be between 0 and 65535, got 70000", problem(() -> ConfigValues.integer(70000, 0, 65535)));
        assertEquals("must be a number, got an object", problem(() -> ConfigValues.decimal(new JsonObject(), 0, 1)));
        assertEquals("must be between 0.1 and 3600.0, got 0.05", problem(() -> ConfigValues.decimal(0.05, 0.1, 3600)));
        assertEquals("must be a string, got an array", problem(() -> ConfigValues.string(new JsonArray())));
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnesSorted() {
        JsonObject json = new JsonObject().put("port", 1).put("prot", 2);
        assertEquals("prot", ConfigValues.unknownKey(json, Set.of("port", "host")));
        assertNull(ConfigValues.unknownKey(new JsonObject().put("port", 1), Set.of("port", "host")));
        assertEquals("is not a known key (known keys: host, port)", ConfigValues.unknownKeyProblem(Set.of("port", "host")).getMessage());
    }
}
