package dev.iris.web;

import dev.iris.asset.AssetName;
import dev.iris.render.ImageRequest;

/** What the parser made of a request under the image prefix. */
public sealed interface ParseResult {
    /** A valid image request. */
    record Parsed(ImageRequest request) implements ParseResult {}

    /** The path names an image, but the parameters are wrong (which matters only if that asset exists). */
    record Rejected(AssetName name, Problem problem) implements ParseResult {}

    /** Not an image path iris serves (wrong extension, nested path): the request goes on down the chain. */
    record NotOurs() implements ParseResult {}
}
