<?php
/*
 * Reads a WXR file with the wordpress-importer plugin's own parsers (SimpleXML, XML,
 * Regex) and prints what each found as JSON: tests/test_export_read_by_wordpress.py.
 * Usage: php wordpress_importer.php <plugin's src/parsers folder> <file.wxr>
 * The few WordPress functions the parsers call are stood in for here.
 */

class WP_Error {
	public function __construct( public $code = '', public $message = '', public $data = null ) {}
	public function get_error_code() { return $this->code; }
	public function get_error_message() { return $this->message; }
	public function get_error_data() { return $this->data; }
}
function is_wp_error( $thing ) { return $thing instanceof WP_Error; }
function __( $text, $domain = null ) { return $text; }
function esc_html( $text ) { return htmlspecialchars( $text ); }

[ , $parsers, $file ] = $argv;
require "$parsers/class-wxr-parser-simplexml.php";
require "$parsers/class-wxr-parser-xml.php";
require "$parsers/class-wxr-parser-regex.php";

$found = [];
foreach ( [ 'simplexml' => 'WXR_Parser_SimpleXML', 'xml' => 'WXR_Parser_XML', 'regex' => 'WXR_Parser_Regex' ] as $name => $class ) {
	$result = ( new $class() )->parse( $file );
	$found[ $name ] = is_wp_error( $result )
		? [ 'error' => $result->get_error_code() . ': ' . $result->get_error_message() ]
		: $result;
}
echo json_encode( $found, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE );
