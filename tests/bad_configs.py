"""One small broken config per server language, for tests that need a file
with a known finding beside the input under test (CORS201 at the given line)."""

NGINX_BAD = """\
server {
    listen 80;
    server_name api.example.com;
    location /api/ {
        add_header Access-Control-Allow-Origin * always;
        add_header Access-Control-Allow-Credentials true always;
        return 200;
    }
}
"""
NGINX_BAD_LINE = 5

APACHE_BAD = """\
<VirtualHost *:80>
    ServerName api.example.com
    DocumentRoot /var/www/html
    Header always set Access-Control-Allow-Origin "*"
    Header always set Access-Control-Allow-Credentials "true"
</VirtualHost>
"""
APACHE_BAD_LINE = 4
